"""An account's cards out as CSV or XLSX: the contact fields and the synchronised ones.

Streamed: cards are read in chunks (``.iterator()``) and each row written as it comes, so
memory stays flat however many cards there are (openpyxl's write-only mode keeps the rows
in a temporary file until the workbook is zipped). CSV is UTF-8 with a BOM, which Excel
needs to show diacritics right. A text value a spreadsheet would run as a formula (it
starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is written as text: in
CSV behind a ``'`` (which the importer takes off again), in XLSX as a text cell marked
"quoted", its value untouched.
"""

from __future__ import annotations

import csv
import datetime
import io
import zoneinfo
from collections.abc import Iterator
from typing import IO, Any

from django.db.models import Prefetch

from firmsync.crm.errors import Invalid
from firmsync.crm.models import Account, Address, Company
from firmsync.enrichment.selectors import cards_query
from firmsync.identity.text import fold

__all__ = ["EXPORT_COLUMNS", "FORMATS", "export_cards", "export_header"]

FORMATS = ("csv", "xlsx")
# (what, English header, Romanian header): the contact fields first, as the importer
# reads them back, then official data, then the sync.
EXPORT_COLUMNS = (
    ("id", "ID", "ID"),
    ("name", "Name", "Denumire"),
    ("cui_input", "CUI", "CUI"),
    ("country", "Country", "Țară"),
    ("county", "County", "Județ"),
    ("locality", "Locality", "Localitate"),
    ("phone", "Phone", "Telefon"),
    ("email", "Email", "E-mail"),
    ("website", "Website", "Site web"),
    ("notes", "Notes", "Observații"),
    ("legal_name", "Legal name", "Denumire oficială"),
    ("reg_number", "Register number", "Nr. Reg. Com."),
    ("euid", "EUID", "EUID"),
    ("legal_form", "Legal form", "Formă juridică"),
    ("status", "Status", "Stare"),
    ("caen_code", "CAEN code", "Cod CAEN"),
    ("caen_title", "CAEN activity", "Activitate CAEN"),
    ("vat_payer", "VAT payer", "Plătitor de TVA"),
    ("vat_on_cash", "VAT on cash", "TVA la încasare"),
    ("split_vat", "Split VAT", "Plată defalcată TVA"),
    ("efactura", "e-Factura", "e-Factura"),
    ("founded_on", "Founded on", "Data înființării"),
    ("financial_year", "Financial year", "An financiar"),
    ("turnover", "Turnover (RON)", "Cifra de afaceri (RON)"),
    ("net_profit", "Net profit (RON)", "Profit net (RON)"),
    ("employees", "Employees", "Număr de angajați"),
    ("share_capital", "Share capital (RON)", "Capital social (RON)"),
    ("registered_office", "Registered office", "Sediu social"),
    ("sync_state", "Sync state", "Stare sincronizare"),
    ("last_synced_at", "Last synced", "Ultima sincronizare"),
)
_YES_NO = {False: ("yes", "no"), True: ("da", "nu")}  # by ``romanian``
_RISKY = ("=", "+", "-", "@", "\t", "\r")
_CHUNK = 1000  # cards read at a time
_ADDRESS = (  # after the street and number
    ("block", "bl. "),
    ("staircase", "sc. "),
    ("floor", "et. "),
    ("apartment", "ap. "),
    ("locality", ""),
    ("sector", "sector "),
    ("county", ""),
    ("postal_code", ""),
    ("details", ""),
)


def export_header(*, romanian: bool = False) -> list[str]:
    return [
        romanian_header if romanian else english for _, english, romanian_header in EXPORT_COLUMNS
    ]


def _office(card: Company) -> str:
    """The registered office on one line (the provider's, else one the user typed)."""
    offices: list[Address] = getattr(card, "offices", [])
    if not offices:
        return ""
    office = offices[0]
    street = " ".join(part for part in (office.street, office.number) if part)
    rest = [
        f"{prefix}{value}"
        for part, prefix in _ADDRESS
        if (value := getattr(office, part))
        # (the register's localities in Bucharest name their sector already)
        and not (part == "sector" and "SECTOR" in fold(office.locality))
    ]
    return ", ".join(part for part in (street, *rest) if part)


def _values(card: Company, zone: datetime.tzinfo) -> Iterator[Any]:
    state = getattr(card, "sync", None)
    for column, _, _ in EXPORT_COLUMNS:
        if column == "id":
            yield card.pk
        elif column == "registered_office":
            yield _office(card)
        elif column == "sync_state":
            yield state.state if state is not None else ""
        elif column == "last_synced_at":
            synced = state.last_synced_at if state is not None else None
            yield synced.astimezone(zone).replace(tzinfo=None, microsecond=0) if synced else None
        else:
            yield getattr(card, column)


def _cards(account: Account, filters: dict[str, Any]) -> Iterator[Company]:
    offices = Address.objects.filter(kind=Address.Kind.REGISTERED_OFFICE).order_by("origin", "pk")
    cards = cards_query(account, **filters).prefetch_related(
        Prefetch("addresses", queryset=offices, to_attr="offices")
    )
    return cards.iterator(chunk_size=_CHUNK)


def export_cards(
    account: Account,
    fmt: str,
    out: IO[bytes],
    *,
    romanian: bool = False,
    delimiter: str = ",",
    state: str | None = None,
    status: str | None = None,
    county: str | None = None,
    text: str | None = None,
    sort: str = "id",
) -> int:
    """Write the account's cards (filtered as :func:`cards_query` filters them) to ``out``
    as ``csv`` or ``xlsx``; headers in English, or Romanian. The number of cards written."""
    if fmt not in FORMATS:
        raise Invalid("format", f"must be one of {', '.join(FORMATS)}, not {fmt!r}")
    if delimiter not in (",", ";", "\t"):
        raise Invalid("delimiter", f"must be ',', ';' or a tab, not {delimiter!r}")
    filters = {"state": state, "status": status, "county": county, "text": text, "sort": sort}
    cards = _cards(account, filters)  # (a bad filter is refused here, before a byte is written)
    zone = zoneinfo.ZoneInfo("Europe/Bucharest")  # a spreadsheet has no time zones
    rows = (_values(card, zone) for card in cards)
    if fmt == "csv":
        return _csv(out, rows, romanian, delimiter)
    return _xlsx(out, rows, romanian)


def _safe(value: str) -> str:
    return f"'{value}" if value.startswith(_RISKY) else value


def _csv_text(value: Any, romanian: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _YES_NO[romanian][0 if value else 1]
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)  # (a negative number is a number, not a formula)
    return _safe(str(value))


def _csv(out: IO[bytes], rows: Iterator[Iterator[Any]], romanian: bool, delimiter: str) -> int:
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=True)
    try:
        writer = csv.writer(text, delimiter=delimiter)
        writer.writerow(export_header(romanian=romanian))
        count = 0
        for row in rows:
            writer.writerow([_csv_text(value, romanian) for value in row])
            count += 1
        text.flush()
    finally:
        text.detach()  # the caller's stream stays open
    return count


def _xlsx(out: IO[bytes], rows: Iterator[Iterator[Any]], romanian: bool) -> int:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Firme" if romanian else "Companies")
    sheet.append(export_header(romanian=romanian))

    def cell(value: Any) -> Any:
        if isinstance(value, bool):
            return _YES_NO[romanian][0 if value else 1]
        if isinstance(value, datetime.datetime):
            written = WriteOnlyCell(sheet, value)
            written.number_format = "yyyy-mm-dd hh:mm"
            return written
        if isinstance(value, datetime.date):
            written = WriteOnlyCell(sheet, value)
            written.number_format = "yyyy-mm-dd"
            return written
        if isinstance(value, str) and value:
            written = WriteOnlyCell(sheet, value)
            written.data_type = "s"  # never a formula, whatever it starts with
            written.quotePrefix = value.startswith(_RISKY)
            return written
        return value

    count = 0
    for row in rows:
        sheet.append([cell(value) for value in row])
        count += 1
    book.save(out)
    return count
