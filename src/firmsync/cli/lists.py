"""``firmsync company import`` and ``company export``: a client list in and out.

Parse, call :mod:`firmsync.enrichment.services.imports`, format — as the web's page does
through the same functions.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from firmsync.cli.edge import ready, refusals

__all__ = ["company_export", "company_import"]


def _pairs(maps: tuple[str, ...]) -> list[tuple[str, str]]:
    from firmsync.crm.errors import Invalid

    pairs = []
    for typed in maps:
        field, equals, column = typed.partition("=")
        if not equals:
            raise Invalid("mapping", f"{typed!r}: write field=Column (name=Denumire)")
        pairs.append((field.strip(), column))
    return pairs


@click.command("import")
@click.argument("account_name", metavar="ACCOUNT")
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--map",
    "maps",
    multiple=True,
    metavar="FIELD=COLUMN",
    help="Which column fills a field (name, cui_input, country, county, locality, phone, "
    "email, website, notes), over the guess; FIELD= leaves it out. Repeatable.",
)
@click.option("--sheet", help="An XLSX's sheet by name (default: the first).")
@click.option("--preview", is_flag=True, help="Show what would happen; change nothing.")
@click.option("--keep-duplicates", is_flag=True, help="Create rows whose CUI repeats too.")
@click.option("--json", "as_json", is_flag=True)
def company_import(
    account_name: str,
    file: Path,
    maps: tuple[str, ...],
    sheet: str | None,
    preview: bool,
    keep_duplicates: bool,
    as_json: bool,
) -> None:
    """Import a client list (CSV or XLSX) as cards: prints the mapping, each row that was
    not created with its line number, and the totals."""
    ready()
    from firmsync.cli.common import progress_bar
    from firmsync.crm.selectors import account_named
    from firmsync.enrichment.services.imports import (
        import_cards,
        import_preview,
        mapping_with,
        read_table,
        totals_of,
    )

    with refusals():
        target = account_named(account_name)
        table = read_table(file, sheet=sheet)
        mapping = mapping_with(table.header, _pairs(maps))
        if preview:
            shown = import_preview(target, table, mapping)
        else:
            with progress_bar() as bar:
                task = bar.add_task("cards", total=None)
                results = import_cards(
                    target,
                    table,
                    mapping,
                    skip_duplicates=not keep_duplicates,
                    progress=lambda done, total: bar.update(task, completed=done, total=total),
                )
    if preview:
        if as_json:
            click.echo(json.dumps(shown.to_dict(), ensure_ascii=False))
            return
        _mapping(table.describe(), mapping)
        for row in shown.rows:
            what = row.describe() if row.result != "new" else f"line {row.line}: new"
            click.echo(f"{what}  {row.fields.get('name', '')!r} {row.fields.get('cui_input', '')}")
        listed = {row.line for row in shown.rows}
        for row in shown.duplicates:
            if row.line not in listed:
                click.echo(row.describe())
        totals = shown.totals
        click.echo(
            f"{totals['rows']:,} rows: {totals['new']:,} would be created, "
            f"{totals['duplicate']:,} duplicates, {totals['invalid']:,} invalid (nothing changed)"
        )
        return
    totals = totals_of(results)
    if as_json:
        rows = [row.to_dict() for row in results]
        click.echo(json.dumps({"mapping": mapping, "rows": rows, "totals": totals}))
        return
    _mapping(table.describe(), mapping)
    for row in results:
        if row.result != "created" or row.duplicate_of_line or row.duplicate_of_card:
            click.echo(row.describe())
    click.echo(
        f"{totals['rows']:,} rows: {totals['created']:,} created, "
        f"{totals['duplicate']:,} duplicates, {totals['invalid']:,} invalid"
    )


def _mapping(how: str, mapping: dict[str, str]) -> None:
    click.echo(f"Read as {how}.")
    click.echo(
        "Mapping: " + ", ".join(f"{field} ← {column!r}" for field, column in mapping.items())
    )


@click.command("export")
@click.argument("account_name", metavar="ACCOUNT")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default="csv")
@click.option("--romanian", is_flag=True, help="Column headers in Romanian.")
@click.option("--semicolon", is_flag=True, help="CSV separated by ';' (Excel in Romanian).")
@click.option("--state", help="Only cards in this sync state (none: never synced).")
@click.option("--status", help="Only companies with this status (active, insolvency, …).")
@click.option("--county", help="Only cards in this county.")
@click.option("--search", "text", help="Only cards whose name, legal name, CUI … match.")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="The file (CSV: stdout).")
def company_export(
    account_name: str,
    fmt: str,
    romanian: bool,
    semicolon: bool,
    state: str | None,
    status: str | None,
    county: str | None,
    text: str | None,
    output: Path | None,
) -> None:
    """Export the account's cards, contact and official data, as CSV or XLSX."""
    ready()
    from firmsync.crm.errors import Invalid
    from firmsync.crm.selectors import account_named
    from firmsync.enrichment.services.imports import export_cards

    options = {
        "romanian": romanian,
        "delimiter": ";" if semicolon else ",",
        "state": state,
        "status": status,
        "county": county,
        "text": text,
    }
    with refusals():
        target = account_named(account_name)
        if output is None:
            if fmt == "xlsx":
                raise Invalid("output", "an XLSX is written to a file: name it with -o FILE")
            sys.stdout.flush()
            export_cards(target, fmt, sys.stdout.buffer, **options)
            return
        if output.is_dir():
            raise Invalid("output", f"{output}: a folder; name the file to write")
        # Written beside, then renamed: a refused or broken export leaves no half file.
        partial = output.with_name(f".{output.name}.part")
        try:
            written = partial.open("wb")
        except OSError as error:  # no such folder, not allowed to write there
            raise Invalid("output", f"{output}: {error.strerror or error}") from None
        try:
            with written as out:
                count = export_cards(target, fmt, out, **options)
            os.replace(partial, output)
        finally:
            partial.unlink(missing_ok=True)
    click.echo(f"{count:,} cards written to {output}.")
