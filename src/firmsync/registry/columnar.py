"""The fast path for ``OD_FIRME``: whole blocks of rows parsed and converted as columns.

``OD_FIRME`` is the largest file (4.2 million rows) and the one whose import speed matters
most. Converting it value by value in Python costs several µs a row; here the bytes of a
block are checked with numpy (line ends, field counts), parsed by pyarrow's CSV reader (C++,
with quoting off, so a ``"`` stays a literal character) and converted column by column.
Only what is irregular goes through the row parser of :mod:`firmsync.registry.onrc`: runs
of lines without the header's number of fields (rows broken across lines, malformed rows),
rows without a register number or name, CUIs that are not plain digits, and each distinct
date, postal code and county (converted once). The rows and reports are exactly those of
:func:`firmsync.registry.onrc.parse_registrations` (``tests/registry/test_columnar.py``).
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from firmsync.identity import counties, cui, text
from firmsync.registry import onrc
from firmsync.registry.reader import BLOCK, DelimitedFile, Span, decode_line

__all__ = ["SCHEMA", "parse_registrations_columnar", "registration_batches", "supports"]

# Arguments are given as Arrow scalars: a Python value is converted on every call, and the
# conversion tries (and fails) to import an optional module each time, which costs more
# than the computation.
_NULL = pa.scalar(None, pa.string())
_EMPTY = pa.scalar("", pa.string())
_PLACEHOLDER_CUI = pa.scalar("19", pa.string())  # a valid CUI, where the value is not one
_WRONG_CHECK_DIGIT = pa.scalar("wrong_check_digit", pa.string())


def _int(value: int, type_: pa.DataType | None = None) -> pa.Scalar:
    return pa.scalar(value, type_ or pa.int64())


_COMMA_SECOND = np.zeros(256, dtype=np.uint8)  # second byte of a cedilla letter → comma-below
_COMMA_SECOND[[0x9F, 0xA3, 0x9E, 0xA2]] = [0x99, 0x9B, 0x98, 0x9A]
SCHEMA = pa.schema(
    [(name, pa.int64() if name == "line" else pa.string()) for name in onrc.REGISTRATION_COLUMNS]
)
_TIME_AFTER_DATE = r"^.{10}[\t\n\x0b\x0c\r ]+[0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?$"


def supports(source: DelimitedFile) -> bool:
    """The current layout, ``^``-delimited: what this path reads."""
    return source.delimiter == "^" and source.column("STARE_FIRMA") is None


class _Lookup:
    """A Python conversion applied once per distinct value, then to columns by index."""

    def __init__(self, convert: Callable[[str], str | None]) -> None:
        self.convert = convert
        self.known: dict[str, str | None] = {}

    def __call__(self, column: pa.Array) -> tuple[pa.Array, pa.Array]:
        """The converted column, and where a non-empty value did not convert."""
        distinct = pc.unique(column)
        values = distinct.to_pylist()
        for value in values:
            if value not in self.known:
                self.known[value] = self.convert(value)
        converted = pa.array([self.known[v] for v in values], pa.string())
        result = converted.take(pc.index_in(column, distinct))
        failed = pc.and_(pc.is_null(result), pc.not_equal(column, _EMPTY))
        return result, failed


def _check_digit_matches(code: pa.Array) -> pa.Array:
    """Whether the last digit of each plain-digit CUI is its check digit
    (:func:`firmsync.identity.cui.check_digit`, in integer arithmetic on whole columns)."""
    value = pc.cast(code, pa.int64())
    ten, eleven = _int(10), _int(11)

    def mod(x: Any, n: pa.Scalar) -> Any:
        return pc.subtract(x, pc.multiply(pc.divide(x, n), n))

    body, total = pc.divide(value, ten), None
    for weight in (2, 3, 5, 7, 1, 2, 3, 5, 7):  # the weights, least significant digit first
        term = pc.multiply(mod(body, ten), _int(weight))
        total = term if total is None else pc.add(total, term)
        body = pc.divide(body, ten)
    return pc.equal(mod(mod(pc.multiply(total, ten), eleven), ten), mod(value, ten))


class _Converter:
    def __init__(self, source: DelimitedFile) -> None:
        self.source = source
        header = source.header
        self.options = (
            pacsv.ReadOptions(column_names=header, use_threads=False, block_size=1 << 26),
            pacsv.ParseOptions(
                delimiter="^",
                quote_char=False,
                escape_char=False,
                newlines_in_values=False,
                ignore_empty_lines=False,
            ),
            pacsv.ConvertOptions(
                column_types=dict.fromkeys(header, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
        self.dates = _Lookup(onrc.registration_date)
        self.postal = _Lookup(onrc.postal_code)
        self.county = _Lookup(counties.canonical_or_given)
        self.at = {name: source.column(name) for name in header}

    def _column(self, columns: list[pa.Array], names: str, rows: int) -> pa.Array:
        for name in names.split("|"):
            if self.at.get(name) is not None:
                return columns[self.at[name]]
        return pa.array([""] * rows, pa.string())

    def _dates(self, raw: pa.Array) -> tuple[pa.Array, pa.Array]:
        """:func:`onrc.registration_date` on a column: the date part of each value through a
        lookup, the time part (``HH:MM[:SS]``, most values have none) by a pattern."""
        day, _ = self.dates(pc.utf8_slice_codeunits(raw, 0, 10))
        # An ASCII value with a valid date part is valid when the rest is a time: this is the
        # time part of onrc's date pattern, Python's ASCII \s and \d spelled out. Values
        # that are not ASCII (rare) take the Python function itself.
        timed = pc.greater(pc.utf8_length(raw), _int(10, pa.int32()))
        ascii_ = pc.string_is_ascii(raw)
        time_ok = pc.match_substring_regex(raw, _TIME_AFTER_DATE)
        result = pc.if_else(pc.and_(timed, pc.invert(time_ok)), _NULL, day)
        odd = pc.and_(timed, pc.invert(ascii_))
        if pc.any(odd).as_py():
            exact = [onrc.registration_date(v) for v in raw.filter(odd).to_pylist()]
            result = pc.replace_with_mask(result, odd, pa.array(exact, pa.string()))
        return result, pc.and_(pc.is_null(result), pc.not_equal(raw, _EMPTY))

    def batch(self, data: bytes, lines: np.ndarray) -> pa.RecordBatch:
        """The registration tuples of a block of whole lines, with their line numbers."""
        table = pacsv.read_csv(io.BytesIO(data), *self.options)
        if table.num_rows != len(lines):  # whole lines parse one row each; be loud otherwise
            raise RuntimeError(f"{self.source.path.name}: a block parsed into a wrong row count")
        columns = [pc.utf8_trim_whitespace(c.combine_chunks()) for c in table.columns]
        n = table.num_rows
        reg = self._column(columns, "COD_INMATRICULARE", n)
        name = self._column(columns, "DENUMIRE", n)
        line = pa.array(lines, pa.int64())
        missing = pc.or_(pc.equal(reg, _EMPTY), pc.equal(name, _EMPTY))
        problems: list[tuple[int, int, str, str]] = []  # (line, order, reason, excerpt)
        if pc.any(missing).as_py():
            reg_i, cui_i = self.at["COD_INMATRICULARE"], self.at["CUI"]
            rows = zip(*(c.filter(missing).to_pylist() for c in columns), strict=True)
            for number, values in zip(line.filter(missing).to_pylist(), rows, strict=True):
                problems.append((number, -1, *onrc.rejection(list(values), reg_i, cui_i)))
            keep = pc.invert(missing)
            columns = [c.filter(keep) for c in columns]
            line = line.filter(keep)
            n = len(line)
            reg = self._column(columns, "COD_INMATRICULARE", n)
            name = self._column(columns, "DENUMIRE", n)

        code = self._column(columns, "CUI", n)
        plain = pc.match_substring_regex(code, r"^[1-9][0-9]{1,9}$")
        matches = _check_digit_matches(pc.if_else(plain, code, _PLACEHOLDER_CUI))
        canonical = pc.if_else(plain, code, _NULL)
        issue = pc.if_else(pc.and_(plain, pc.invert(matches)), _WRONG_CHECK_DIGIT, _NULL)
        others = pc.invert(plain)
        if pc.any(others).as_py():
            found = [cui.classify(v) for v in code.filter(others).to_pylist()]
            canonical = pc.replace_with_mask(
                canonical, others, pa.array([f[0] for f in found], pa.string())
            )
            issue = pc.replace_with_mask(
                issue, others, pa.array([f[1] for f in found], pa.string())
            )

        date_raw = self._column(columns, "DATA_INMATRICULARE", n)
        registered, bad_date = self._dates(date_raw)
        postal_raw = self._column(columns, "ADR_COD_POSTAL", n)
        postal, bad_postal = self.postal(postal_raw)
        county, _ = self.county(self._column(columns, "ADR_JUDET", n))
        copied = [
            _blank_is_null(self._column(columns, header, n)) for _, header in onrc.COPIED_COLUMNS
        ]
        problems += [
            (number, order, reason, value)
            for order, (raw, bad, reason) in enumerate(
                (
                    (date_raw, bad_date, "invalid registration date"),
                    (postal_raw, bad_postal, "invalid postal code"),
                )
            )
            if pc.any(bad).as_py()
            for number, value in zip(
                line.filter(bad).to_pylist(), raw.filter(bad).to_pylist(), strict=True
            )
        ]
        report = self.source.report
        for number, order, reason, value in sorted(problems):
            (report.reject if order < 0 else report.warn)(number, reason, value)
        values = [reg, canonical, issue, name, registered, county, postal, line, *copied]
        return pa.RecordBatch.from_arrays(values, schema=SCHEMA)


def _blank_is_null(column: pa.Array) -> pa.Array:
    return pc.if_else(pc.equal(column, _EMPTY), _NULL, column)


def registration_batches(
    source: DelimitedFile, span: Span | None = None, *, block: int = 4 * BLOCK
) -> Iterator[pa.RecordBatch]:
    """Rows of a current-layout ``OD_FIRME`` in Arrow batches of :data:`SCHEMA`."""
    span = span or source.whole()
    converter = _Converter(source)
    width = len(source.header)
    number, read = span.first_line, 0
    for data in _blocks(source, span, block):
        raw = np.frombuffer(data, dtype=np.uint8)
        ends = np.flatnonzero(raw == ord("\n"))
        begins = np.r_[0, ends[:-1] + 1]
        carets = np.flatnonzero(raw == ord("^"))
        fields = np.searchsorted(carets, ends) - np.searchsorted(carets, begins) + 1
        numbers = np.arange(number, number + len(ends))
        number += len(ends)
        whole = fields == width
        nul = np.flatnonzero(raw == 0)
        if len(nul):  # a NUL: the row parser rejects the row, which Arrow would keep
            at = np.searchsorted(ends, nul)
            whole[at[at < len(whole)]] = False
        line_feeds_after_cr = np.count_nonzero(raw[ends[ends > 0] - 1] == ord("\r"))
        if data.count(b"\r") != line_feeds_after_cr:
            whole[:] = False  # a lone CR: Arrow would end a line there, the row parser not
        for begin, stop, regular in _runs(whole):
            piece = data[begins[begin] : ends[stop - 1] + 1]
            if regular:
                read += stop - begin
                yield converter.batch(piece, numbers[begin:stop])
                continue
            lines = piece.decode("utf-8").split("\n")[:-1]
            rows = list(onrc.parse_registration_lines(source, lines, int(numbers[begin])))
            if rows:
                columns = zip(*rows, strict=True)
                yield pa.RecordBatch.from_arrays(
                    [pa.array(c, f.type) for c, f in zip(columns, SCHEMA, strict=True)],
                    schema=SCHEMA,
                )
    source.report.rows_read += read


def parse_registrations_columnar(
    source: DelimitedFile, span: Span | None = None, *, block: int = 4 * BLOCK
) -> Iterator[tuple[Any, ...]]:
    """The same rows as tuples, as :func:`onrc.parse_registrations` gives them."""
    for batch in registration_batches(source, span, block=block):
        yield from zip(*(column.to_pylist() for column in batch.columns), strict=True)


def _blocks(source: DelimitedFile, span: Span, block: int) -> Iterator[bytes]:
    """UTF-8 blocks of whole lines, diacritics fixed, each starting on a whole row (a line
    with the header's number of fields), so that no broken row is split between blocks."""
    width = len(source.header)
    with source.path.open("rb") as handle:
        handle.seek(span.start)
        remaining, carry = span.end - span.start, b""
        while remaining > 0 or carry:
            chunk = handle.read(min(block, remaining)) if remaining > 0 else b""
            remaining -= len(chunk)
            data = carry + chunk
            carry = b""
            if remaining > 0:
                cut = _last_row_start(data, width)
                data, carry = data[:cut], data[cut:]
                if not data:
                    continue
            elif not data.endswith(b"\n"):
                data += b"\n"
            yield _comma_below(data)


def _comma_below(data: bytes) -> bytes:
    """:func:`text.to_comma_below` on a block of UTF-8 lines (cp1250 lines decoded first).

    Text whose characters are all below U+0300 (lead bytes under 0xCC: Latin, Romanian
    included) is already NFC, so for it only the cedilla letters change, two bytes for two
    bytes, in place with numpy: several times faster than decoding, normalising and
    encoding the block, which is what every other block gets.
    """
    if data.isascii():
        return data
    try:
        decoded = data.decode("utf-8")
    except UnicodeDecodeError:
        lines = (decode_line(raw) for raw in data[:-1].split(b"\n"))
        return text.to_comma_below("\n".join(lines) + "\n").encode("utf-8")
    raw = np.frombuffer(data, dtype=np.uint8)
    if (raw >= 0xCC).any():
        fixed = text.to_comma_below(decoded)
        return data if fixed is decoded else fixed.encode("utf-8")
    lead = np.flatnonzero(raw == 0xC5)  # ş ţ Ş Ţ are C5 9F, C5 A3, C5 9E, C5 A2
    second = raw[lead + 1]
    cedilla = _COMMA_SECOND[second] != 0
    if not cedilla.any():
        return data
    fixed_bytes = raw.copy()
    fixed_bytes[lead[cedilla]] = 0xC8  # ș ț Ș Ț are C8 99, C8 9B, C8 98, C8 9A
    fixed_bytes[lead[cedilla] + 1] = _COMMA_SECOND[second[cedilla]]
    return fixed_bytes.tobytes()


def _last_row_start(data: bytes, width: int) -> int:
    """Where the last line with ``width`` fields starts, or 0 (then the block waits for more)."""
    end = data.rfind(b"\n")
    while end > 0:
        start = data.rfind(b"\n", 0, end) + 1
        line = data[start:end]
        if line.count(b"^") + 1 == width:
            return start
        end = start - 1
    return 0


def _runs(flags: np.ndarray) -> Iterator[tuple[int, int, bool]]:
    """Maximal runs of equal flags: ``(begin, stop, flag)``."""
    edges = np.flatnonzero(np.diff(flags.astype(np.int8))) + 1
    bounds = np.r_[0, edges, len(flags)]
    for begin, stop in itertools.pairwise(bounds):
        yield int(begin), int(stop), bool(flags[begin])
