"""A user's list of companies as a table: a CSV or an XLSX exported by another CRM or Excel.

What comes out is a :class:`Table`: the header and the rows as text, each row with the line
a user sees in their editor (CSV) or the row number Excel shows (XLSX), so that every
problem can be pointed at. Anything that is not such a table is refused with one
``Invalid("file", …)`` naming what is wrong.

- CSV: UTF-8 (with or without BOM) first, UTF-16 when it starts with its BOM (Excel's
  "Unicode text"), else Windows-1250 (Romanian Excel exports; ISO-8859-2 reads the Romanian
  letters the same, and is used only when a byte is undefined in Windows-1250); the
  encoding used is kept on the table so a caller can show it. Delimiter ``,``, ``;`` or
  tab, from :class:`csv.Sniffer`, else counted on the header line.
- XLSX: openpyxl's read-only mode (a sheet streams), cached values, numbers as digits (a
  CUI stored as a number is ``18547290``, not ``18547290.0``), dates as ISO.
- Text in Unicode NFC with comma-below ș ț (old code pages only have the cedilla ones).
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import os
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from firmsync.crm.errors import Invalid
from firmsync.identity import cui as cui_id
from firmsync.identity.text import to_comma_below

__all__ = ["MAX_BYTES", "MAX_ROWS", "Table", "TableRow", "read_table"]

MAX_ROWS = 50_000  # data rows a file
MAX_BYTES = 20 * 1024 * 1024  # 20 MB a file
_SUFFIXES = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".xlsx": "xlsx"}
_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0"  # Excel 97-2003 (.xls), Word .doc …
_DELIMITERS = ";,\t"  # in this order on a tie: Romanian Excel separates with ';'
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# What the export writes in front of a value a spreadsheet would run as a formula.
_ESCAPED = re.compile(r"^'(?=[=+\-@\t\r])")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[a-z]{2,}", re.IGNORECASE)


@dataclass(frozen=True)
class TableRow:
    """One data row: its line in the file and a value (text, maybe empty) a column."""

    line: int
    values: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    """The header and the data rows (blank rows left out) of a user's file."""

    header: tuple[str, ...]
    rows: tuple[TableRow, ...]
    format: str  # "csv" or "xlsx"
    encoding: str | None = None  # CSV: the encoding it was read with
    delimiter: str | None = None  # CSV
    sheet: str | None = None  # XLSX: the sheet read

    def describe(self) -> str:
        """How the file was read, for a user: ``CSV, Windows-1250, ';'``."""
        if self.format == "xlsx":
            return f"XLSX, sheet {self.sheet!r}"
        shown = {"\t": "tab"}.get(self.delimiter or "", repr(self.delimiter))
        return f"CSV, {self.encoding}, {shown}-separated"


def read_table(
    source: str | os.PathLike[str] | IO[bytes], *, name: str | None = None, sheet: str | None = None
) -> Table:
    """The table in ``source``: a path, or an open binary file (an upload) whose file name
    ``name`` tells its format. ``sheet``: an XLSX's sheet by name (default: the first)."""
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        name = name or path.name
        if not path.is_file():
            raise Invalid("file", f"{path}: {'not a file' if path.exists() else 'no such file'}")
        if path.stat().st_size > MAX_BYTES:
            raise _too_big(name)
        data = path.read_bytes()
    else:
        data = source.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            raise _too_big(name or "the file")
    name = name or "the file"
    kind = _kind(name, data)
    if kind == "xlsx":
        return _read_xlsx(data, name, sheet)
    return _read_csv(data, name)


def _too_big(name: str) -> Invalid:
    return Invalid("file", f"{name}: larger than {MAX_BYTES // 1024 // 1024} MB, the limit a file")


def _kind(name: str, data: bytes) -> str:
    """CSV or XLSX, by the file's name, checked against its first bytes."""
    suffix = Path(name).suffix.lower()
    if not data.strip():
        raise Invalid("file", f"{name}: the file is empty")
    if data.startswith(_OLE):
        raise Invalid(
            "file",
            f"{name}: an Excel 97-2003 workbook (.xls) or another old format: "
            "save it as .xlsx or CSV",
        )
    if suffix not in _SUFFIXES and suffix:
        raise Invalid("file", f"{name}: not a CSV or XLSX file (.csv, .txt, .tsv or .xlsx)")
    kind = _SUFFIXES.get(suffix) or ("xlsx" if data.startswith(_ZIP) else "csv")
    if kind == "xlsx" and not data.startswith(_ZIP):
        raise Invalid("file", f"{name}: not an XLSX workbook (is it a CSV named .xlsx?)")
    if kind == "csv" and data.startswith(_ZIP):
        raise Invalid("file", f"{name}: a zip archive or XLSX workbook, not a CSV")
    return kind


def _decode(data: bytes, name: str) -> tuple[str, str]:
    """The text and the encoding it was read with: UTF-8 when it is valid UTF-8, never a
    guess between that and a code page."""
    for bom, codec, label in (
        (codecs.BOM_UTF8, "utf-8-sig", "UTF-8 with BOM"),
        (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
        (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(codec), label
            except UnicodeDecodeError as error:
                raise Invalid(
                    "file", f"{name}: starts as {label} but is not (byte {error.start:,})"
                ) from None
    if b"\x00" in data:
        raise Invalid("file", f"{name}: binary data, not a text table")
    for codec, label in (
        ("utf-8", "UTF-8"),
        ("cp1250", "Windows-1250"),
        ("iso-8859-2", "ISO-8859-2"),  # decodes every byte
    ):
        try:
            return data.decode(codec), label
        except UnicodeDecodeError:
            continue
    raise AssertionError("ISO-8859-2 decodes any byte")


def _text(value: str) -> str:
    if "\r" in value:  # a value on several lines, from Windows: one kind of line break
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    return to_comma_below(value.strip())


def _read_csv(data: bytes, name: str) -> Table:
    text, encoding = _decode(data, name)
    # Random bytes decode as a code page: a text table has next to no control characters.
    if len(_CONTROL.findall(text[:65536])) > max(3, len(text[:65536]) // 1000):
        raise Invalid("file", f"{name}: binary data, not a text table")
    lines = [line for line in text[:65536].splitlines() if line.strip(" ;,\t")]
    if not lines:
        raise Invalid("file", f"{name}: no header and no rows, only blank lines")
    delimiter = _delimiter(lines[:20])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: tuple[str, ...] | None = None
    rows: list[TableRow] = []
    try:
        while True:
            start = reader.line_num + 1  # a quoted value may span lines: where the row starts
            try:
                cells = next(reader)
            except StopIteration:
                break
            values = [_ESCAPED.sub("", _text(c)) for c in cells]
            if not any(values):
                continue
            if header is None:
                header = _header(values, name)
                continue
            _add(rows, start, values, len(header), name)
    except csv.Error as error:
        raise Invalid("file", f"{name}, line {reader.line_num:,}: {error}") from None
    assert header is not None  # (a non-blank line exists)
    return _table(header, rows, name, format="csv", encoding=encoding, delimiter=delimiter)


def _delimiter(lines: list[str]) -> str:
    """The sniffer's pick when the header splits on it, else the most frequent candidate
    on the header line (``;`` on a tie)."""
    header = lines[0]
    try:
        sniffed = csv.Sniffer().sniff("\n".join(lines), delimiters=_DELIMITERS).delimiter
    except csv.Error:
        sniffed = ""
    if sniffed and sniffed in header:
        return sniffed
    return max(_DELIMITERS, key=lambda d: (header.count(d), -_DELIMITERS.index(d)))


def _header(values: list[str], name: str) -> tuple[str, ...]:
    """Column names, each unique (``Telefon (2)``) and none empty (``column 3``); a first
    line holding a CUI or an e-mail address is data, not a header."""
    for value in values:
        digits = cui_id.compact(value)
        if (len(digits) >= 6 and cui_id.is_valid(digits)) or _EMAIL.fullmatch(value):
            raise Invalid(
                "file",
                f"{name}: no header: the first line holds data ({cui_id.shown(value)!r}); "
                "add a line with the column names",
            )
    while values and not values[-1]:
        values = values[:-1]
    names: list[str] = []
    for index, value in enumerate(values, start=1):
        column = value or f"column {index}"
        copy = 2
        while column in names:
            column, copy = f"{value or f'column {index}'} ({copy})", copy + 1
        names.append(column)
    return tuple(names)


def _add(rows: list[TableRow], line: int, values: list[str], width: int, name: str) -> None:
    if len(rows) >= MAX_ROWS:
        raise Invalid("file", f"{name}: more than {MAX_ROWS:,} rows, the limit a file: split it")
    values = values[:width] + [""] * (width - len(values))
    rows.append(TableRow(line, tuple(values)))


def _table(header: tuple[str, ...], rows: list[TableRow], name: str, **how: Any) -> Table:
    if not rows:
        raise Invalid("file", f"{name}: a header but no rows under it")
    return Table(header, tuple(rows), **how)


def _read_xlsx(data: bytes, name: str, sheet: str | None) -> Table:
    from xml.etree.ElementTree import ParseError

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    broken = (zipfile.BadZipFile, KeyError, ValueError, TypeError, ParseError, InvalidFileException)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except broken:
        raise Invalid("file", f"{name}: not a readable XLSX workbook") from None
    try:
        if sheet is not None and sheet not in book.sheetnames:
            raise Invalid(
                "sheet", f"no sheet {sheet!r} in {name} (its sheets: {', '.join(book.sheetnames)})"
            )
        chosen = book[sheet] if sheet is not None else book.worksheets[0]
        # A sheet's stated size may be wrong (or a whole column): read the rows there are.
        chosen.reset_dimensions()
        header: tuple[str, ...] | None = None
        rows: list[TableRow] = []
        try:
            for line, cells in enumerate(chosen.iter_rows(values_only=True), start=1):
                values = [_cell(value) for value in cells]
                if not any(values):
                    continue
                if header is None:
                    header = _header(values, name)
                    continue
                _add(rows, line, values, len(header), name)
        except broken:
            raise Invalid("file", f"{name}: not a readable XLSX workbook") from None
        if header is None:
            raise Invalid("file", f"{name}: sheet {chosen.title!r} is empty")
        return _table(header, rows, name, format="xlsx", sheet=chosen.title)
    finally:
        book.close()


def _cell(value: Any) -> str:
    """A cell's value as the text a user typed: whole numbers without ``.0``, dates ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else f"{value:.15g}"
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time():
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return _text(str(value))
