"""Benchmark: a client list of 5,000 rows imported from XLSX, on SQLite and on PostgreSQL.

    python bench/import_cards.py [--rows 5000] [--export 100000] [--postgres URL]

Writes an XLSX of ``--rows`` generated rows as another CRM exports them (company names,
CUIs with valid check digits, one in three stored as a number, 2% with a wrong check
digit, 2% repeating an earlier row, 10% without a CUI; counties and localities with
diacritics, phones, e-mails, notes). Then, for each backend — a fresh SQLite file; and,
given a PostgreSQL database (``--postgres``, or ``FIRMSYNC_DATABASE_URL`` when it is one),
a schema of its own in it, made afresh and dropped after — each in a process of its own,
it migrates an empty CRM, makes an account with the add-on off (nothing is queued) and
times: reading the file, the preview, the import, the export of the new cards (XLSX and
CSV). With ``--export N`` it adds N cards to another account and times their export in
both formats, then exports them again under tracemalloc for the most memory Python held at
once (the export streams: it should not grow with N).

Prints the figures side by side; asserts nothing.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import tracemalloc
import uuid
from pathlib import Path
from typing import Any

from databases import env_url

WORDS = (
    "AGRO CONSTRUCT TRANS IMPEX COM SERV DESIGN MEDICAL TEHNO LOGISTIC PREST FARM BIO "
    "ELECTRO INSTAL MOBILA LEMN METAL TEXTIL AUTO DISTRIB GRUP NORD SUD CARPAȚI DUNĂREA "
    "MUNTENIA ARDEAL TIMIȘ MUREȘ SOFT DATA CONSULT EXPERT FLORA VERDE ALFA BETA OMEGA"
).split()
FORMS = ("SRL", "SRL", "SRL", "SA", "SRL-D", "PFA", "II")
PLACES = (
    ("București", "București"),
    ("Cluj", "Cluj-Napoca"),
    ("Iași", "Iași"),
    ("Timiș", "Timișoara"),
    ("Brașov", "Brașov"),
    ("Constanța", "Constanța"),
    ("Argeș", "Pitești"),
    ("Mureș", "Târgu Mureș"),
    ("Tulcea", "Tulcea"),
    ("Suceava", "Fălticeni"),
)
HEADER = ["Nr.", "Denumire client", "CUI", "Județ", "Localitate", "Telefon", "E-mail", "Note"]


def write_list(path: Path, rows: int, seed: int = 7) -> None:
    """``rows`` rows as another CRM exports them, into an XLSX."""
    from openpyxl import Workbook

    from firmsync.identity.cui import check_digit

    chance = random.Random(seed)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Clienți")
    sheet.append(HEADER)
    written: list[str] = []
    for number in range(1, rows + 1):
        body = str(chance.randrange(1_000_000, 49_999_999))
        cui: Any = body + check_digit(body)
        roll = chance.random()
        if roll < 0.02 and written:
            cui = chance.choice(written)  # the same company twice
        elif roll < 0.04:
            cui = body + str((int(check_digit(body)) + 1) % 10)  # a typo
        elif roll < 0.14:
            cui = ""
        elif roll < 0.47:
            cui = int(cui)  # stored as a number
        elif roll < 0.6:
            cui = f"RO {cui}"
        if cui:
            written.append(str(cui))
        name = f"{chance.choice(WORDS)} {chance.choice(WORDS)} {chance.choice(FORMS)}"
        county, locality = chance.choice(PLACES)
        phone = f"07{chance.randrange(20, 80)} {chance.randrange(100_000, 999_999)}"
        email = f"office{number}@{name.split()[0].lower()}.ro"
        note = chance.choice(("", "", "client vechi", "de sunat în ianuarie", "=important"))
        sheet.append([number, name, cui, county, locality, phone, email, note])
    book.save(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--export", type=int, default=0, help="cards to export (memory)")
    parser.add_argument("--postgres", default=env_url("FIRMSYNC_DATABASE_URL", "postgres"))
    parser.add_argument("--on", help=argparse.SUPPRESS)  # (a backend's process: its folder)
    args = parser.parse_args()
    if args.on:
        print(json.dumps(measure(args, Path(args.on))))
        return
    folder = Path(tempfile.mkdtemp(prefix="firmsync-import-"))
    started = time.perf_counter()
    write_list(folder / "clients.xlsx", args.rows)
    print(f"{args.rows:,} rows written to an XLSX in {time.perf_counter() - started:.2f} s")
    run = [sys.executable, __file__, *sys.argv[1:]]
    base = {k: v for k, v in os.environ.items() if not k.startswith("FIRMSYNC_")}
    base["FIRMSYNC_REGISTER_UPDATE"] = "off"  # (a sample register: never the portal's)
    figures = {"SQLite": _child([*run, "--on", str(folder / "sqlite")], base)}
    if args.postgres:
        schema = f"bench_import_{uuid.uuid4().hex[:8]}"
        _psql(args.postgres, f'CREATE SCHEMA "{schema}"')
        env = {
            **base,
            "FIRMSYNC_DATABASE_URL": args.postgres,
            "FIRMSYNC_REGISTER_URL": args.postgres,
            "FIRMSYNC_QUEUE_URL": os.environ.get("FIRMSYNC_QUEUE_URL", ""),
            "PGOPTIONS": f"-c search_path={schema}",  # (libpq: every connection, in it)
        }
        try:
            figures["PostgreSQL"] = _child([*run, "--on", str(folder / "postgres")], env)
        finally:
            _psql(args.postgres, f'DROP SCHEMA "{schema}" CASCADE')
    _table(figures, args.export)


def _child(command: list[str], env: dict[str, str]) -> dict[str, Any]:
    done = subprocess.run(command, env=env, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _psql(url: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://", 1), autocommit=True) as c:
        c.execute(statement)


def measure(args: argparse.Namespace, folder: Path) -> dict[str, Any]:
    """The figures on the backend the environment names (SQLite files under ``folder``)."""
    os.environ["FIRMSYNC_DATA_DIR"] = str(folder)
    os.environ["DJANGO_SETTINGS_MODULE"] = "firmsync.project.settings"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from firmsync.crm.models import Account, Company
    from firmsync.enrichment.services.imports import (
        export_cards,
        guess_mapping,
        import_cards,
        import_preview,
        read_table,
        totals_of,
    )

    account = Account.objects.create(name="Bench", plan=Account.Plan.PROFESSIONAL)  # add-on off
    figures: dict[str, Any] = {}

    def timed(name: str, work: Any, *given: Any) -> Any:
        started = time.perf_counter()
        result = work(*given)
        figures[name] = time.perf_counter() - started
        return result

    table = timed("read", lambda: read_table(folder.parent / "clients.xlsx"))
    mapping = guess_mapping(table.header)
    timed("preview", lambda: import_preview(account, table, mapping))
    results = timed("import", lambda: import_cards(account, table, mapping))
    figures["totals"] = totals_of(results)
    timed("export_xlsx", lambda: export_cards(account, "xlsx", io.BytesIO()))
    timed("export_csv", lambda: export_cards(account, "csv", io.BytesIO()))
    if args.export:
        many = Account.objects.create(name="Many")
        for start in range(0, args.export, 5000):
            Company.objects.bulk_create(
                Company(account=many, name=f"Client {n}", county="Cluj", notes="x" * 40)
                for n in range(start, min(start + 5000, args.export))
            )
        with open(os.devnull, "wb") as sink:
            for fmt in ("csv", "xlsx"):
                timed(f"export_many_{fmt}", export_cards, many, fmt, sink)
                # Then again, traced: the most memory Python held at once while it ran.
                tracemalloc.start()
                export_cards(many, fmt, sink)
                figures[f"peak_{fmt}_mb"] = tracemalloc.get_traced_memory()[1] / 1024 / 1024
                tracemalloc.stop()
    return figures


def _table(figures: dict[str, dict[str, Any]], export: int) -> None:
    backends = list(figures)
    any_one = figures[backends[0]]
    totals = any_one["totals"]
    print(
        f"{totals['rows']:,} rows: {totals['created']:,} created, "
        f"{totals['duplicate']:,} duplicates, {totals['invalid']:,} invalid"
    )
    print(f"{'':<28}" + "".join(f"{b:>14}" for b in backends))
    rows = [
        ("read the XLSX", "read"),
        ("preview", "preview"),
        ("import", "import"),
        ("export XLSX", "export_xlsx"),
        ("export CSV", "export_csv"),
    ]
    if "export_many_csv" in any_one:
        rows += [
            (f"export {export:,} cards, CSV", "export_many_csv"),
            (f"export {export:,} cards, XLSX", "export_many_xlsx"),
        ]
    for label, key in rows:
        print(f"{label:<28}" + "".join(f"{figures[b][key]:>12.2f} s" for b in backends))
    print(
        f"{'import, rows/s':<28}"
        + "".join(f"{totals['rows'] / figures[b]['import']:>14,.0f}" for b in backends)
    )
    if "peak_csv_mb" in any_one:
        for label, key in (
            ("  most memory held, CSV", "peak_csv_mb"),
            ("  most memory held, XLSX", "peak_xlsx_mb"),
        ):
            print(f"{label:<28}" + "".join(f"{figures[b][key]:>11.1f} MB" for b in backends))


if __name__ == "__main__":
    main()
