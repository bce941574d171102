"""``firmsync match``: the registration behind a typed name, one or a file of them.

``firmsync match NAME [--county C] [--locality L] [--json]`` prints the decision and the top
candidates; ``firmsync match --file IN.csv --out OUT.csv`` matches a whole list on every
core. ``match build`` (re)builds the name index (``registry import`` does it after each
import), ``match evaluate`` measures the matcher on noisy queries drawn from the register,
``match fit`` refits the shipped model.
"""

from __future__ import annotations

import csv
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from firmsync.cli.common import build_names, err, names_path, open_store, progress_bar
from firmsync.matching.evaluation import evaluate
from firmsync.matching.index import IndexMissing
from firmsync.matching.matcher import Matcher
from firmsync.matching.queries import sample_queries
from firmsync.matching.result import Match

__all__ = ["match"]

OUTPUT_COLUMNS = ("decision", "cui", "reg_number", "probability")


def _matcher() -> Matcher:
    try:
        return Matcher.open(names_path())
    except IndexMissing as error:
        raise click.ClickException(str(error)) from None


class _NameOrCommand(click.Group):
    """``match NAME …`` and ``match build|evaluate|fit …`` under one command.

    The first word that is neither an option, an option's value nor a subcommand is the name.
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        takes_value = {
            opt
            for p in self.params
            if isinstance(p, click.Option) and not p.is_flag
            for opt in p.opts
        }
        rest, i = list(args), 0
        while i < len(rest):
            word = rest[i]
            if word in takes_value:
                i += 2
                continue
            if word.startswith("-"):
                i += 1
                continue
            if word not in self.commands:
                ctx.meta["match_name"] = rest.pop(i)
            break
        return super().parse_args(ctx, rest)


@click.group(cls=_NameOrCommand, invoke_without_command=True)
@click.option("--county", help="The county the company is in, if known.")
@click.option("--locality", help="The locality the company is in, if known.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option(
    "--file",
    "in_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A CSV file with a name column (county and locality optional).",
)
@click.option(
    "--out",
    "out_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the CSV of decisions (with --file).",
)
@click.option("--workers", type=int, help="Processes for --file (default: every core).")
@click.pass_context
def match(
    ctx: click.Context,
    county: str | None,
    locality: str | None,
    as_json: bool,
    in_file: Path | None,
    out_file: Path | None,
    workers: int | None,
) -> None:
    """Find the registration behind a company NAME: linked, review (candidates) or none."""
    if ctx.invoked_subcommand:
        return
    name = ctx.meta.get("match_name")
    if in_file:
        if not out_file:
            raise click.UsageError("--file needs --out")
        _match_file(in_file, out_file, workers)
        return
    if name is None:  # (an empty name typed is the service's to refuse)
        click.echo(ctx.get_help())
        ctx.exit(2)
    from firmsync.cli.edge import refusals
    from firmsync.enrichment.services.register import register_search

    with refusals():
        result = register_search(name, county=county, locality=locality)
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        _print(name, result)


def _print(name: str, result: Match) -> None:
    out = Console()
    linked = result.linked
    headline = f"{name}: {result.decision}"
    if linked:
        headline += f" → CUI {linked.cui} ({linked.reg_number})"
    out.print(headline)
    if not result.candidates:
        return
    table = Table("p", "CUI", "register no.", "name", "county", "locality", "status", "why")
    for c in result.candidates:
        table.add_row(
            f"{c.probability:.3f}",
            c.cui or "",
            c.reg_number,
            c.name,
            c.county or "",
            c.locality or "",
            c.status or "",
            "; ".join(c.reasons),
        )
    out.print(table)


def _names(in_file: Path) -> tuple[list[str], list[dict[str, str]]]:
    """The columns (lower case) and rows of a CSV of names; refused (``Invalid``) when it is
    not UTF-8 text or has no ``name`` column."""
    from firmsync.crm.errors import Invalid

    try:
        with in_file.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            columns = [c.strip().lower() for c in reader.fieldnames or []]
            if "name" not in columns:
                raise Invalid("file", f"{in_file}: no 'name' column (columns: {columns})")
            rows = [
                {k.strip().lower(): (v or "").strip() for k, v in row.items() if k}
                for row in reader
            ]
    except UnicodeDecodeError:
        raise Invalid("file", f"{in_file}: not UTF-8 text (save it as CSV UTF-8)") from None
    except csv.Error as error:
        raise Invalid("file", f"{in_file}, line {reader.line_num:,}: {error}") from None
    return columns, rows


def _match_file(in_file: Path, out_file: Path, workers: int | None) -> None:
    from firmsync.cli.edge import refusals
    from firmsync.enrichment.services.register import register_search_many

    with refusals():
        columns, rows = _names(in_file)
        started = time.monotonic()
        wanted = [(r["name"], r.get("county") or None, r.get("locality") or None) for r in rows]
        results = register_search_many(wanted, workers=workers)
    with out_file.open("w", encoding="utf-8", newline="") as handle, progress_bar() as bar:
        writer = csv.DictWriter(handle, [*columns, *OUTPUT_COLUMNS])
        writer.writeheader()
        task = bar.add_task("matching", total=len(rows))
        for row, result in zip(rows, results, strict=True):
            bar.advance(task)
            linked = result.linked
            top = result.candidates[0].probability if result.candidates else ""
            row.update(
                decision=result.decision,
                cui=linked.cui if linked else "",
                reg_number=linked.reg_number if linked else "",
                probability=top,
            )
            writer.writerow(row)
    seconds = time.monotonic() - started
    err().print(f"{len(rows):,} names in {seconds:.1f} s ({len(rows) / max(seconds, 1e-9):,.0f}/s)")


@match.command("build")
def build_command() -> None:
    """Rebuild the name index from the register."""
    index = build_names()
    click.echo(f"name index: {index.documents:,} registrations in {index.meta['seconds']:.1f} s")


@match.command("evaluate")
@click.option(
    "--present", default=2000, show_default=True, help="Queries for registered companies."
)
@click.option("--absent", default=500, show_default=True, help="Queries for unknown companies.")
@click.option("--seed", default=7, show_default=True)
@click.option(
    "--real",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="A folder of real companies (companies.csv): measure on their real spellings, in a "
    "generated register of --companies (their share left out: 15%).",
)
@click.option("--companies", default=50_000, show_default=True, help="With --real.")
def evaluate_command(
    present: int, absent: int, seed: int, real: Path | None, companies: int
) -> None:
    """Measure the matcher on noisy names drawn from the register, with and without county."""
    if real is not None:
        _evaluate_real(real, companies, seed)
        return
    matcher = _matcher()
    store = open_store()
    try:
        for label, share in (("without county", 0.0), ("with county and locality", 1.0)):
            queries = sample_queries(
                store, present=present, absent=absent, seed=seed, with_county=share
            )
            started = time.perf_counter()
            metrics = evaluate(lambda q: matcher.match(q.name, q.county, q.locality), queries)
            per_query = (time.perf_counter() - started) / len(queries) * 1000
            click.echo(f"# {label}")
            for line in metrics.lines():
                click.echo(line)
            click.echo(f"mean time per query     {per_query:7.2f} ms")
    finally:
        store.close()


def _evaluate_real(folder: Path, companies: int, seed: int) -> None:
    from firmsync.matching.realnames import evaluate_real

    work = Path(tempfile.mkdtemp(prefix="firmsync-real-"))
    try:
        figures = evaluate_real(folder, work, companies=companies, seed=seed)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for label, metrics in figures.items():
        click.echo(f"# real names, {label}")
        for line in metrics.lines():
            click.echo(line)


@match.command("fit")
@click.option("--companies", default=300_000, show_default=True)
@click.option("--seed", default=101, show_default=True)
@click.option("--queries", default=20_000, show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
def fit_command(companies: int, seed: int, queries: int, out: Path) -> None:
    """Refit the matching model on a generated register (deterministic for its options)."""
    from firmsync.matching.training import fit_model

    work = Path(tempfile.mkdtemp(prefix="firmsync-fit-"))
    try:
        model = fit_model(
            work, companies=companies, seed=seed, queries=queries, progress=lambda m: err().print(m)
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    model.save(out)
    click.echo(f"model written to {out}: link threshold {model.link}", file=sys.stdout)
