"""``firmsync registry``: import the official files, look companies up, make sample data."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from rich.progress import Progress

    from firmsync.enrichment.services.update import UpdatePlan
    from firmsync.matching.index import NameIndex
    from firmsync.registry.importer import ImportResult


@click.group()
def registry() -> None:
    """The local mirror of the official register (ONRC) and MF financial statements."""


@registry.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--snapshot",
    type=click.DateTime(["%Y-%m-%d"]),
    help="Snapshot date, if the folder names (firme-DD-MM-YYYY) do not say it.",
)
@click.option(
    "--allow-shrink",
    is_flag=True,
    help="Import a file even when it holds under half the rows of the table it replaces.",
)
def import_command(paths: tuple[Path, ...], snapshot: object, allow_shrink: bool) -> None:
    """Import official files or folders; each file is recognised by its name."""
    from firmsync.cli.common import progress_bar
    from firmsync.cli.edge import refusals
    from firmsync.enrichment.services.register import register_import

    with progress_bar() as bar, refusals():
        progress, names = _import_progress(bar)
        result, index = register_import(
            list(paths),
            snapshot=snapshot.date() if snapshot else None,  # type: ignore[attr-defined]
            progress=progress,
            names_progress=names,
            allow_shrink=allow_shrink,
        )
    _print_import(result, index)


def _import_progress(
    bar: Progress,
) -> tuple[Callable[[str, int | None, int], None], Callable[[int, int], None]]:
    """The callbacks an import ticks: a bar a file, and one for the name index."""
    tasks: dict[str, Any] = {}

    def progress(name: str, total: int | None, advance: int) -> None:
        if name not in tasks:
            tasks[name] = bar.add_task(name, total=total)
        bar.update(tasks[name], advance=advance)

    def names(done: int, total: int) -> None:
        if "name index" not in tasks:
            tasks["name index"] = bar.add_task("name index", total=total)
        bar.update(tasks["name index"], completed=done)

    return progress, names


def _print_import(result: ImportResult, index: NameIndex | None) -> None:
    """What an import did: each file's rows, files skipped, snapshots not all in, the index."""
    for item, report in result.files:
        click.echo(
            f"{item.path.name}: {report.rows_loaded} loaded, "
            f"{report.rows_rejected} rejected, {sum(report.warnings.values())} warnings"
        )
        for problem in report.examples[:5]:
            click.echo(f"  {problem}")
    for path in result.skipped:
        click.echo(f"{path}: not an official file firmsync knows; skipped")
    for waiting in result.partial:
        click.echo(
            f"snapshot {waiting.snapshot} is partial ({_partial(waiting.to_dict())}): "
            f"the register stays at {result.snapshot or '(no complete snapshot)'}"
        )
    if result.changes:
        click.echo(f"companies whose facts changed: {_changes(result.changes)}")
    if index is None:
        click.echo("name index: unchanged (the files changed no names, places or statuses)")
    elif "updated" in index.meta:
        click.echo(
            f"name index: {index.meta['updated']:,} registrations updated "
            f"in {index.meta['seconds']:.1f} s"
        )
    else:
        seconds = index.meta["seconds"]
        click.echo(f"name index: {index.documents:,} registrations in {seconds:.1f} s")


def _changes(counts: dict[str, int]) -> str:
    """The companies whose facts an import changed, by kind of change, in a line.

    >>> _changes({"name": 3, "status": 1}), _changes({})
    ('name 3, status 1', 'none')
    """
    return ", ".join(f"{kind} {count:,}" for kind, count in counts.items()) or "none"


def _partial(snapshot: dict[str, Any]) -> str:
    """What a snapshot not all in has and what it lacks, in a line."""
    return f"has {', '.join(snapshot['tables'])}; lacks {', '.join(snapshot['missing'])}"


@registry.command("update")
@click.option("--check", is_flag=True, help="Only say what is newer on the portal; change nothing.")
@click.option(
    "--portal",
    "portal_url",
    metavar="URL",
    help="The data portal (default: FIRMSYNC_PORTAL_URL, else https://data.gov.ro).",
)
@click.option("--keep", is_flag=True, help="Keep the downloaded files after the import.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def update(check: bool, portal_url: str | None, keep: bool, as_json: bool) -> None:
    """Fetch a newer snapshot and MF years from the data portal and import them (exit 3:
    the portal is out of reach, nothing changed; exit 1: another update is running)."""
    from firmsync.cli.common import update_bar
    from firmsync.cli.edge import refusals
    from firmsync.enrichment.services.update import register_update, update_plan

    if check:
        with refusals():
            plan = update_plan(portal_url=portal_url)
        if as_json:
            click.echo(json.dumps(plan.to_dict(), ensure_ascii=False, indent=2))
        else:
            _print_plan(plan, check=True)
        return
    files: dict[str, Any] = {}
    with update_bar() as bar, refusals():

        def fetched(name: str, done: int, total: int | None) -> None:
            if name not in files:
                files[name] = bar.add_task(name, total=total, bytes=True)
            bar.update(files[name], completed=done, total=total)

        progress, names = _import_progress(bar)
        result = register_update(
            portal_url=portal_url,
            keep=keep,
            download_progress=fetched,
            progress=progress,
            names_progress=names,
        )
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    if result.imported is None:
        _print_plan(result.plan, check=False)
        return
    _print_import(result.imported, result.index)
    plan = result.plan
    brought = ", ".join(f.label for f in plan.fetch)
    before = plan.register_snapshot or "none"
    moved = f"snapshot {before} → {result.snapshot}" if result.snapshot != before else ""
    where = f"kept in {result.kept}" if result.kept else "deleted"
    click.echo(
        f"Updated from {plan.portal}: {brought}"
        + (f" ({moved})" if moved else "")
        + f"; {_bytes(result.downloaded)} downloaded, downloads {where}."
    )


def _bytes(count: int | None) -> str:
    """
    >>> _bytes(693_671_250), _bytes(2_048), _bytes(None)
    ('693.7 MB', '2.0 kB', 'size unknown')
    """
    if count is None:
        return "size unknown"
    for unit in ("B", "kB", "MB", "GB"):
        if count < 1000 or unit == "GB":
            return f"{count} {unit}" if unit == "B" else f"{count:.1f} {unit}"
        count /= 1000  # type: ignore[assignment]
    raise AssertionError("unreachable")


def _print_plan(plan: UpdatePlan, *, check: bool) -> None:
    """What is newer on the portal, or that the register is current."""
    years = plan.register_years
    held = f"snapshot {plan.register_snapshot or 'none'}, MF years " + (
        f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0]) if years else "none"
    )
    for waiting in plan.waiting:
        click.echo(f"Not complete on the portal yet: {waiting}")
    if not plan.fetch:
        click.echo(f"The register is current ({held}): nothing newer on {plan.portal}.")
        return
    click.echo(f"Newer on {plan.portal} than the register ({held}):")
    for fetch in plan.fetch:
        size = _bytes(fetch.size)
        click.echo(f"  {fetch.label}: {fetch.dataset}, {len(fetch.files)} files, {size}")
    if check:
        click.echo("`firmsync registry update` fetches and imports it.")


@registry.command("stats")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def stats(as_json: bool) -> None:
    """Snapshot date (and newer snapshots not all in), companies by status, financial
    years, rejected rows by reason."""
    from firmsync.enrichment.services.register import register_stats

    data = register_stats()
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    waiting = data["partial_snapshots"]
    none = "(none complete)" if waiting else "(none imported)"
    click.echo(f"Snapshot:       {data['snapshot'] or none}")
    for snapshot in waiting:
        click.echo(f"Partial:        {snapshot['snapshot']}: {_partial(snapshot)}")
    click.echo(f"Registrations:  {data['registrations']:,}")
    click.echo(f"Distinct CUIs:  {data['companies']:,}")
    update = data["update"]
    last = update["last"]
    if last:
        moved = f"{last['from'] or 'none'} → {last['to'] or 'none'}"
        click.echo(f"Last update:    {last['at']}: {', '.join(last['brought'])} ({moved})")
        if "changes" in last:  # (an update recorded before changes were counted has none)
            click.echo(f"  it changed:   {_changes(last['changes'])}")
    next_check = update["next_check"] or update["error"] or "off"
    click.echo(f"Next check:     {next_check} (FIRMSYNC_REGISTER_UPDATE {update['setting']})")
    for title in ("by_status", "cui_issues", "financial_years", "rejected_rows"):
        values = data[title]
        assert isinstance(values, dict)
        click.echo(f"{title.replace('_', ' ').capitalize()}:")
        for key, count in values.items():
            click.echo(f"  {key:<40} {count:>10,}")
        if not values:
            click.echo("  (none)")


@registry.command("show")
@click.argument("cui")
@click.option("--json", "as_json", is_flag=True, help="Print one CompanyFacts object.")
def show(cui: str, as_json: bool) -> None:
    """The register's facts for one CUI. Exit 1 if unknown, 2 if not a valid CUI."""
    from firmsync.cli.edge import refusals
    from firmsync.enrichment.services.register import register_facts
    from firmsync.identity import cui as cui_id

    with refusals():
        facts = register_facts(cui)
    if not cui_id.is_valid(facts.cui):
        # Old records carry CUIs with a wrong check digit; the register keeps them (flagged).
        click.echo(f"Note: CUI {facts.cui} has a wrong check digit.", err=True)
    if as_json:
        click.echo(facts.to_json(indent=2))
        return
    click.echo(f"{facts.name}  (CUI {facts.cui}, {facts.reg_number}, {facts.legal_form or '-'})")
    click.echo(
        f"  Status:      {facts.status}  "
        + ", ".join(f"{c.code} {c.label or ''}".strip() for c in facts.status_codes)
    )
    click.echo(f"  Registered:  {facts.registered_on or '-'}")
    if facts.address:
        a = facts.address
        parts = [
            a.street,
            a.number,
            a.block and f"bl. {a.block}",
            a.locality,
            a.county,
            a.postal_code,
        ]
        click.echo(f"  Address:     {', '.join(p for p in parts if p)}")
    if facts.main_caen:
        click.echo(f"  Main CAEN:   {facts.main_caen.code} {facts.main_caen.title or ''}")
    for f in facts.financials:
        click.echo(
            f"  {f.year}: turnover {f.turnover}, net profit {f.net_profit}, employees {f.employees}"
        )
    for person in facts.representatives:
        click.echo(f"  {person.role or '-'}: {person.name}")
    if len(facts.registrations) > 1:
        click.echo("  Registrations with this CUI:")
        for r in facts.registrations:
            click.echo(f"    {r.reg_number}  {r.status}  {r.name}")


@registry.command("make-sample")
@click.option("--companies", type=click.IntRange(min=1), required=True)
@click.option("--out", type=click.Path(path_type=Path), required=True)
@click.option("--seed", type=int, default=1, show_default=True)
@click.option(
    "--snapshot", type=click.DateTime(["%Y-%m-%d"]), default="2026-11-02", show_default=True
)
def make_sample_command(companies: int, out: Path, seed: int, snapshot: object) -> None:
    """Write generated sample data in exactly the official file formats."""
    from firmsync.cli.common import progress_bar
    from firmsync.registry.sample import make_sample

    with progress_bar() as bar:
        task = bar.add_task("companies", total=companies)
        summary = make_sample(
            out,
            companies=companies,
            seed=seed,
            snapshot=snapshot.date() if snapshot else date(2026, 11, 2),  # type: ignore[attr-defined]
            progress=lambda n: bar.update(task, advance=n),
        )
    for name, rows in summary.files.items():
        click.echo(f"{name}: {rows:,} rows")
