"""``firmsync registry``: import the official files, look companies up, make sample data."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    pass


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

    tasks: dict[str, int] = {}
    with progress_bar() as bar, refusals():

        def progress(name: str, total: int | None, advance: int) -> None:
            if name not in tasks:
                tasks[name] = bar.add_task(name, total=total)
            bar.update(tasks[name], advance=advance)

        def names(done: int, total: int) -> None:
            if "name index" not in tasks:
                tasks["name index"] = bar.add_task("name index", total=total)
            bar.update(tasks["name index"], completed=done)

        result, index = register_import(
            list(paths),
            snapshot=snapshot.date() if snapshot else None,  # type: ignore[attr-defined]
            progress=progress,
            names_progress=names,
            allow_shrink=allow_shrink,
        )
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


def _partial(snapshot: dict[str, Any]) -> str:
    """What a snapshot not all in has and what it lacks, in a line."""
    return f"has {', '.join(snapshot['tables'])}; lacks {', '.join(snapshot['missing'])}"


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
