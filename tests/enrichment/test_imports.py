"""Client lists in and out: real CSV and XLSX files read, previewed, imported and exported
through the services, on the real database."""

from __future__ import annotations

import csv
import datetime
import io
import os
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from openpyxl import Workbook, load_workbook

from firmsync.crm.errors import Invalid
from firmsync.crm.models import Account, Company
from firmsync.enrichment.services.addon import activate
from firmsync.enrichment.services.cards import BULK_LIMIT, create_card
from firmsync.enrichment.services.imports import (
    MAX_BYTES,
    MAX_ROWS,
    check_mapping,
    export_cards,
    guess_mapping,
    import_cards,
    import_outcomes,
    import_preview,
    mapping_with,
    read_table,
    totals_of,
)
from firmsync.enrichment.services.sync import Engine, sync_cards
from firmsync.identity import cnp
from firmsync.identity import cui as cui_id

from ..registry.snapshot import CNP
from .conftest import CARDIOFORCE, LEMNLIND, TRADECENTER

pytestmark = pytest.mark.django_db

CONTACT = ("name", "cui_input", "country", "county", "locality", "phone", "email", "website")


def _xlsx(path: Path, rows: list[list[Any]], stored: dict[str, str] | None = None) -> Path:
    """A workbook of ``rows``; ``stored``: numbers written in the sheet's XML another way
    (``{"18547290": "1.854729E7"}``, as some spreadsheets store them)."""
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    book.save(path)
    if stored:
        with zipfile.ZipFile(path) as zipped:
            parts = {name: zipped.read(name) for name in zipped.namelist()}
        xml = parts["xl/worksheets/sheet1.xml"].decode()
        for number, written in stored.items():
            xml = xml.replace(f"<v>{number}</v>", f"<v>{written}</v>")
        parts["xl/worksheets/sheet1.xml"] = xml.encode()
        with zipfile.ZipFile(path, "w") as zipped:
            for name, content in parts.items():
                zipped.writestr(name, content)
    return path


def _cuis(count: int) -> list[str]:
    """``count`` distinct valid CUIs (eight digits and a check digit, as most firms have)."""
    found = []
    for stem in range(10_000_000, 10_000_000 + count * 20):
        number = f"{stem}{cui_id.check_digit(str(stem))}"
        if cui_id.is_valid(number):
            found.append(number)
        if len(found) == count:
            return found
    raise AssertionError("not enough CUIs")


# Reading


def test_a_utf8_csv_with_bom_and_semicolons_keeps_its_lines(tmp_path: Path) -> None:
    path = tmp_path / "clienti.csv"
    path.write_bytes(
        "Denumire;CUI;Județ;Observații\r\n"
        "Trade SRL;RO 66815090;Tulcea;\r\n"
        "\r\n"  # a blank line: skipped, still counted
        'Lemn SRL;14399840;Cluj;"pe două\r\nrânduri"\r\n'
        "Cardio;18547290;București;ultimul\r\n".encode("utf-8-sig")
    )
    table = read_table(path)
    assert (table.format, table.encoding, table.delimiter) == ("csv", "UTF-8 with BOM", ";")
    assert table.header == ("Denumire", "CUI", "Județ", "Observații")  # no BOM in the name
    assert [row.line for row in table.rows] == [2, 4, 6]  # the line each row starts on
    assert table.rows[1].values == ("Lemn SRL", "14399840", "Cluj", "pe două\nrânduri")


def test_a_windows_1250_csv_is_read_as_such_with_comma_below_letters(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    # Windows-1250 has only the cedilla ş ţ: they come back as ș ț.
    text = (
        "Nume firmă,Judeţ,Oraş\r\nŢesătoria Română SRL,Braşov,Râşnov\r\nÎntâi SA,Argeş,Piteşti\r\n"
    )
    path.write_bytes(text.encode("cp1250"))
    table = read_table(path)
    assert (table.encoding, table.delimiter) == ("Windows-1250", ",")
    assert table.header == ("Nume firmă", "Județ", "Oraș")
    assert table.rows[0].values == ("Țesătoria Română SRL", "Brașov", "Râșnov")
    assert table.rows[1].values == ("Întâi SA", "Argeș", "Pitești")
    assert guess_mapping(table.header) == {
        "name": "Nume firmă",
        "county": "Județ",
        "locality": "Oraș",
    }


def test_a_tab_separated_csv_and_one_column_are_tables(tmp_path: Path) -> None:
    (tmp_path / "tab.tsv").write_text("Company\tVAT\nTrade\t66815090\n")
    assert read_table(tmp_path / "tab.tsv").delimiter == "\t"
    (tmp_path / "names.csv").write_text("Name\nTrade, Cluj\nLemn\n")  # a comma inside a name
    names = read_table(tmp_path / "names.csv")
    assert names.header == ("Name",) and names.rows[0].values == ("Trade, Cluj",)


def test_an_xlsx_gives_numbers_as_digits_dates_as_iso_and_excel_rows(tmp_path: Path) -> None:
    path = _xlsx(
        tmp_path / "clients.xlsx",
        [
            [],  # the header on the first non-empty row
            ["Company", "Tax ID", "Founded", "Phone", "Turnover"],
            ["Cardio SRL", 18547290, datetime.datetime(1992, 5, 6), 722000000, 1234.5],
            [None, None, None, None, None],
            ["Trade SRL", 66815090, datetime.date(2004, 7, 28), "0722 000 000", 10],
        ],
        stored={"18547290": "1.854729E7", "66815090": "66815090.0"},
    )
    table = read_table(path)
    assert (table.format, table.sheet) == ("xlsx", "Sheet")
    assert table.header == ("Company", "Tax ID", "Founded", "Phone", "Turnover")
    assert [row.line for row in table.rows] == [3, 5]  # the row numbers Excel shows
    assert table.rows[0].values == ("Cardio SRL", "18547290", "1992-05-06", "722000000", "1234.5")
    assert table.rows[1].values[:3] == ("Trade SRL", "66815090", "2004-07-28")


def test_an_xlsx_sheet_is_chosen_by_name(tmp_path: Path) -> None:
    book = Workbook()
    book.active.append(["Notes only"])
    second = book.create_sheet("Clienți")
    second.append(["Denumire"])
    second.append(["Trade"])
    book.save(tmp_path / "two.xlsx")
    assert read_table(tmp_path / "two.xlsx", sheet="Clienți").rows[0].values == ("Trade",)
    with pytest.raises(Invalid, match=r"no sheet 'Other'.*Sheet, Clienți") as refused:
        read_table(tmp_path / "two.xlsx", sheet="Other")
    assert refused.value.field == "sheet"


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("junk.csv", os.urandom(4096).replace(b"\x00", b"\x01") + b"\x00", "binary data"),
        ("junk.csv", bytes(range(1, 32)) * 200, "binary data"),
        ("junk.xlsx", b"PK\x03\x04" + os.urandom(2048), "not a readable XLSX"),
        ("text.xlsx", b"Name;CUI\nTrade;66815090\n", "not an XLSX workbook"),
        ("book.xlsx.csv", b"PK\x03\x04rest", "not a CSV"),
        ("old.xls", b"\xd0\xcf\x11\xe0" + b"\x00" * 512, "Excel 97-2003"),
        ("report.pdf", b"%PDF-1.7\n", "not a CSV or XLSX file"),
        ("empty.csv", b"", "the file is empty"),
        ("blank.csv", b"\xef\xbb\xbf\r\n;;\r\n", "only blank lines"),
        ("header.csv", b"Name;CUI\n", "a header but no rows"),
        ("data.csv", b"Trade SRL;66815090\nLemn;14399840\n", "no header"),
        ("mails.csv", b"Trade;office@trade.ro\n", "no header"),
    ],
)
def test_what_is_not_a_table_is_refused_in_one_line(
    tmp_path: Path, name: str, content: bytes, says: str
) -> None:
    (tmp_path / name).write_bytes(content)
    with pytest.raises(Invalid, match=says) as refused:
        read_table(tmp_path / name)
    assert refused.value.field == "file" and "\n" not in str(refused.value)


def test_an_empty_xlsx_and_a_missing_file_are_refused(tmp_path: Path) -> None:
    _xlsx(tmp_path / "empty.xlsx", [])
    with pytest.raises(Invalid, match="is empty"):
        read_table(tmp_path / "empty.xlsx")
    with pytest.raises(Invalid, match="no such file"):
        read_table(tmp_path / "absent.csv")


def test_the_limits_are_named(tmp_path: Path) -> None:
    rows = "".join(f"Firma {n};\n" for n in range(MAX_ROWS + 1))
    (tmp_path / "big.csv").write_text("Name;CUI\n" + rows)
    with pytest.raises(Invalid, match="more than 50,000 rows"):
        read_table(tmp_path / "big.csv")
    (tmp_path / "ok.csv").write_text("Name;CUI\n" + rows.split("\n", 1)[1])
    assert len(read_table(tmp_path / "ok.csv").rows) == MAX_ROWS
    upload = io.BytesIO(b"Name\n" + b"x\n" * (MAX_BYTES // 2))
    with pytest.raises(Invalid, match="larger than 20 MB"):
        read_table(upload, name="upload.csv")


def test_an_upload_is_read_by_its_name() -> None:
    upload = io.BytesIO("Firmă,CIF\nTrade,66815090\n".encode())
    table = read_table(upload, name="din-crm.csv")
    assert table.header == ("Firmă", "CIF") and table.rows[0].line == 2


# Mapping


@pytest.mark.parametrize(
    ("header", "field"),
    [
        *[(h, "name") for h in ("Denumire", "Nume firmă", "FIRMA", "Client", "Company", "name")],
        *[(h, "cui_input") for h in ("CUI", "CIF", "Cod fiscal", "Cod de identificare fiscală")],
        *[(h, "cui_input") for h in ("VAT", "Tax ID", "cui/cif", "Cod_fiscal")],
        *[(h, "county") for h in ("Județ", "Judet", "JUDEŢ", "County")],
        *[(h, "locality") for h in ("Localitate", "Oraș", "Oras", "City")],
        *[(h, "phone") for h in ("Telefon", "Phone", "Tel.")],
        *[(h, "email") for h in ("E-mail", "Email", "e mail")],
        *[(h, "website") for h in ("Website", "Site", "Web", "Site web")],
        *[(h, "country") for h in ("Țară", "Tara", "Country")],
        *[(h, "notes") for h in ("Observații", "Note", "Notes")],
    ],
)
def test_headers_in_romanian_and_english_are_recognised(header: str, field: str) -> None:
    assert guess_mapping(["Nr. crt.", header, "Altceva"]) == {field: header}


def test_the_leftmost_column_wins_and_look_alikes_are_not_taken() -> None:
    header = ["Legal name", "Denumire", "Company", "Nume contact", "Telefon", "Telefon (2)"]
    assert guess_mapping(header) == {"name": "Denumire", "phone": "Telefon"}


def test_a_users_mapping_is_checked() -> None:
    header = ("Firma", "Cod", "Client", "Note")
    assert mapping_with(header, [("cui_input", "cod"), ("name", "Client"), ("notes", "")]) == {
        "name": "Client",
        "cui_input": "Cod",
    }
    for overrides, says in (
        ([("name", "")], "no column for the card's name"),
        ([("name", "Firma"), ("name", "Client")], "name is mapped twice"),
        ([("cui_input", "CUI")], "no column 'CUI' in the file"),
        ([("legal_name", "Firma")], "'legal_name' is not a field a list fills"),
        ([("notes", "Firma")], "column 'Firma' is mapped to name and notes"),
    ):
        with pytest.raises(Invalid, match=says) as refused:
            mapping_with(header, overrides)
        assert refused.value.field == "mapping"
    with pytest.raises(Invalid, match="no column 'Gone'"):
        check_mapping(header, {"name": "Gone"})


# Preview and import


def _table(tmp_path: Path, lines: list[str]) -> Any:
    path = tmp_path / "list.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return read_table(path)


def test_the_preview_names_each_problem_and_every_duplicate_and_changes_nothing(
    account: Account, tmp_path: Path
) -> None:
    existing = create_card(account, name="Cardio", cui_input=CARDIOFORCE)
    table = _table(
        tmp_path,
        [
            "Denumire;CUI;Țară;Localitate",
            f"Trade;RO {TRADECENTER};România;Tulcea",  # 2
            "Typo;18547291;;",  # 3: the check digit is wrong
            f";{LEMNLIND};;Cluj",  # 4: no name
            f"{'N' * 301};;;",  # 5: too long
            f"Trade again;{TRADECENTER};;",  # 6: repeats line 2
            f"Cardio again;{CARDIOFORCE};;",  # 7: the account has it
            "Opted out;x;Germania;Berlin",  # 8
            "Nowhere;;Atlantida;",  # 9: a country without a code
        ],
    )
    mapping = guess_mapping(table.header)
    shown = import_preview(account, table, mapping, limit=3)
    assert [row.line for row in shown.rows] == [2, 3, 4]
    assert [(r.result, r.field) for r in shown.rows] == [
        ("new", None),
        ("invalid", "cui_input"),
        ("invalid", "name"),
    ]
    assert "check digit" in (shown.rows[1].reason or "")
    assert shown.rows[0].fields == {
        "name": "Trade",
        "cui_input": f"RO {TRADECENTER}",
        "country": "RO",
        "locality": "Tulcea",
    }
    assert [(d.line, d.duplicate_of_line, d.duplicate_of_card) for d in shown.duplicates] == [
        (6, 2, None),
        (7, None, existing.pk),
    ]
    assert shown.totals == {"rows": 8, "new": 2, "duplicate": 2, "invalid": 4}
    full = import_preview(account, table, mapping, limit=20).rows
    assert (full[3].field, full[3].reason) == ("name", "at most 300 characters, not 301")
    assert (full[7].field, full[6].fields["country"]) == ("country", "DE")
    assert Company.objects.count() == 1  # nothing created


def test_a_personal_code_in_a_refused_row_is_shown_masked(account: Account, tmp_path: Path) -> None:
    table = _table(tmp_path, ["Denumire;CUI;Note", f"Popescu Ion PFA;{CNP};CNP {CNP}"])
    shown = import_preview(account, table, guess_mapping(table.header)).rows
    assert (shown[0].result, shown[0].field) == ("invalid", "cui_input")
    assert shown[0].fields["cui_input"] == cnp.mask(CNP)
    assert CNP not in repr(shown) and CNP not in shown[0].describe()


def test_the_import_creates_what_the_preview_promised_in_file_order(
    account: Account, tmp_path: Path
) -> None:
    create_card(account, name="Cardio", cui_input=CARDIOFORCE)
    table = _table(
        tmp_path,
        [
            "Company,VAT,County,Email",
            f"Cardio copy,{CARDIOFORCE},,",
            f"Trade,{TRADECENTER},Tulcea,office@trade.ro",
            "Typo,66815091,,",
            f"Trade twice,RO{TRADECENTER},,",
            ",,Cluj,",
            "Name only,,,",
        ],
    )
    mapping = guess_mapping(table.header)
    promised = import_preview(account, table, mapping).rows
    results = import_cards(account, table, mapping)
    assert [(r.line, r.result) for r in results] == [
        (2, "duplicate"),
        (3, "created"),
        (4, "invalid"),
        (5, "duplicate"),
        (6, "invalid"),
        (7, "created"),
    ]
    assert [r.result for r in promised] == [
        {"created": "new"}.get(r.result, r.result) for r in results
    ]
    trade = Company.objects.get(pk=results[1].card_id)
    assert (trade.name, trade.cui, trade.county, trade.email) == (
        "Trade",
        TRADECENTER,
        "Tulcea",
        "office@trade.ro",
    )
    assert results[3].duplicate_of_line == 3 and results[2].field == "cui_input"
    assert results[3].describe() == "line 5: duplicate of line 3"
    assert totals_of(results) == {"rows": 6, "created": 2, "duplicate": 2, "invalid": 2}
    assert Company.objects.filter(account=account).count() == 3


def test_duplicates_are_created_when_asked_and_still_said(account: Account, tmp_path: Path) -> None:
    existing = create_card(account, name="Trade", cui_input=TRADECENTER)
    table = _table(tmp_path, ["Name;CUI", f"A;{TRADECENTER}", f"B;{TRADECENTER}"])
    results = import_cards(
        account, table, {"name": "Name", "cui_input": "CUI"}, skip_duplicates=False
    )
    assert [r.result for r in results] == ["created", "created"]
    assert [(r.duplicate_of_line, r.duplicate_of_card) for r in results] == [
        (None, existing.pk),
        (None, existing.pk),
    ]
    assert Company.objects.filter(account=account, cui=TRADECENTER).count() == 3


def test_a_row_refused_by_the_database_rules_does_not_stop_the_rest(
    account: Account, tmp_path: Path
) -> None:
    table = _table(tmp_path, ["Name;County", "Fine;Cluj", f"Long county;{'C' * 61}", "Also fine;"])
    results = import_cards(account, table, guess_mapping(table.header))
    assert [r.result for r in results] == ["created", "invalid", "created"]
    assert results[1].describe() == "line 3: invalid county: at most 60 characters, not 61"


def test_more_rows_than_one_bulk_call_are_created_in_chunks(
    account: Account, admin: User, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    activate(account, admin, start_backfill=lambda _: None)
    cuis = _cuis(1200)
    table = _table(tmp_path, ["Denumire;CUI", *(f"Firma {n};{cui}" for n, cui in enumerate(cuis))])
    queued: list[list[int]] = []
    with django_capture_on_commit_callbacks(execute=True):
        results = import_cards(
            account, table, {"name": "Denumire", "cui_input": "CUI"}, request_many=queued.append
        )
    assert [len(batch) for batch in queued] == [BULK_LIMIT, 1200 - BULK_LIMIT]
    assert all(r.result == "created" for r in results) and len(results) == 1200
    assert sorted(c for batch in queued for c in batch) == sorted(r.card_id for r in results)
    assert results[-1].line == 1201
    assert set(Company.objects.filter(account=account).values_list("cui", flat=True)) == set(cuis)


def test_outcomes_after_syncing_say_linked_or_needs_review(
    account: Account, admin: User, engine: Engine, tmp_path: Path
) -> None:
    activate(account, admin, start_backfill=lambda _: None)
    table = _table(
        tmp_path,
        [
            "Firma;CUI;Județ",
            f"Trade;{TRADECENTER};",
            "CARDIO FORCE;;",  # the register has CARDIOFORCE: the user must choose
            "LEMNLIND SRL;;Cluj",  # one clear winner: linked
            "Opted out;x;",
            "Not yet;;",
        ],
    )
    results = import_cards(account, table, guess_mapping(table.header), request_many=lambda _: None)
    synced = Company.objects.filter(pk__in=[r.card_id for r in results[:4]])
    sync_cards(list(synced), engine)
    states = [r.sync_state for r in import_outcomes(account, results)]
    assert states == ["synced", "review", "synced", "stopped", "none"]


# Export


def _contact_cards(account: Account) -> None:
    create_card(
        account,
        name="Țesătoria Română SRL",
        cui_input=f"RO {TRADECENTER}",
        county="Brașov",
        locality="Râșnov",
        phone="+40 722 000 000",
        email="office@tesatoria.ro",
        website="https://tesatoria.ro",
        notes='two\nlines; with "quotes", commas',
    )
    create_card(account, name='=HYPERLINK("http://x")', cui_input="x", country="DE")
    create_card(account, name="@SUM(1+1)", phone="-1", email="", notes="-minus")


def _contact(cards: Any) -> list[tuple[str, ...]]:
    return sorted(tuple(getattr(c, f) for f in (*CONTACT, "notes")) for c in cards)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_imports_back_to_the_same_contact_fields(
    account: Account, tmp_path: Path, fmt: str
) -> None:
    _contact_cards(account)
    path = tmp_path / f"out.{fmt}"
    with path.open("wb") as out:
        assert export_cards(account, fmt, out, delimiter=";") == 3
    other = Account.objects.create(name="Other")
    table = read_table(path)
    mapping = guess_mapping(table.header)
    assert set(mapping) == {*CONTACT, "notes"}
    assert [r.result for r in import_cards(other, table, mapping)] == ["created"] * 3
    assert _contact(Company.objects.filter(account=other)) == _contact(
        Company.objects.filter(account=account)
    )


def test_csv_injection_is_neutralised(account: Account, tmp_path: Path) -> None:
    _contact_cards(account)
    out = io.BytesIO()
    export_cards(account, "csv", out)
    rows = list(csv.reader(io.StringIO(out.getvalue().decode("utf-8-sig"))))
    names = [row[1] for row in rows[1:]]
    assert names == ["Țesătoria Română SRL", '\'=HYPERLINK("http://x")', "'@SUM(1+1)"]
    assert rows[1][6] == "'+40 722 000 000" and rows[3][6] == "'-1"
    assert all(not value.startswith(("=", "+", "-", "@")) for row in rows for value in row)
    path = tmp_path / "out.xlsx"
    with path.open("wb") as written:
        export_cards(account, "xlsx", written)
    sheet = load_workbook(path).active
    cell = sheet.cell(row=3, column=2)
    assert (cell.value, cell.data_type, cell.quotePrefix) == ('=HYPERLINK("http://x")', "s", True)
    assert sheet.cell(row=2, column=2).quotePrefix is False


def test_the_export_has_official_data_romanian_headers_and_a_bom(
    account: Account, admin: User, engine: Engine
) -> None:
    activate(account, admin, start_backfill=lambda _: None)
    card = create_card(account, name="Trade", cui_input=TRADECENTER, request=lambda _: True)
    sync_cards([card], engine)
    out = io.BytesIO()
    export_cards(account, "csv", out, romanian=True, delimiter=";")
    raw = out.getvalue()
    assert raw.startswith(b"\xef\xbb\xbf")
    header, row = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert "Județ" in header and "Țară" in header and "Observații" in header
    assert not any(c in "".join(header) for c in "şţŞŢ")  # comma-below only
    values = dict(zip(header, row, strict=True))
    assert values["Denumire oficială"] == "TRADECENTER SRL"
    assert values["Nr. Reg. Com."] == "J2022000001360"
    assert values["Stare sincronizare"] == "synced" and values["Ultima sincronizare"]
    assert values["Cifra de afaceri (RON)"].isdigit()
    assert (
        values["Sediu social"].startswith("Calea AVRAM 121") and "Tulcea" in values["Sediu social"]
    )
    english = io.BytesIO()
    export_cards(account, "csv", english)
    assert english.getvalue().decode("utf-8-sig").startswith("ID,Name,CUI,Country,County")


def test_accounts_never_see_each_others_cards(account: Account, tmp_path: Path) -> None:
    other = Account.objects.create(name="Other")
    create_card(other, name="Secret client", cui_input=TRADECENTER)
    create_card(account, name="Ours", cui_input=LEMNLIND)
    out = io.BytesIO()
    assert export_cards(account, "csv", out) == 1
    assert b"Secret client" not in out.getvalue() and b"Ours" in out.getvalue()
    table = _table(tmp_path, ["Name;CUI", f"Trade;{TRADECENTER}", f"Lemn;{LEMNLIND}"])
    shown = import_preview(account, table, guess_mapping(table.header))
    assert [(r.result, r.duplicate_of_card) for r in shown.rows] == [
        ("new", None),  # the other account's card is not a duplicate
        ("duplicate", Company.objects.get(name="Ours").pk),
    ]
    created = import_cards(account, table, guess_mapping(table.header))
    assert import_outcomes(other, created)[0].sync_state is None  # not the other's card


def test_the_export_filters_as_the_card_list_does_and_refuses_before_writing(
    account: Account,
) -> None:
    create_card(account, name="Cluj one", county="Cluj")
    create_card(account, name="Iași one", county="Iași")
    out = io.BytesIO()
    assert export_cards(account, "csv", out, county="cluj", text="one") == 1
    with pytest.raises(Invalid, match="sort"):
        export_cards(account, "csv", out := io.BytesIO(), sort="nope")
    assert out.getvalue() == b""
    with pytest.raises(Invalid, match="format"):
        export_cards(account, "pdf", out)
