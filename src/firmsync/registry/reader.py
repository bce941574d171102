"""Reading the official delimited files exactly as they are published.

ONRC files (onrc-open-data.md §3, §7, §12) are ``^``-delimited UTF-8 with a BOM and CRLF
line ends, with **no quoting**: a ``"`` is a literal character, so a quote-aware CSV reader
would swallow rows after an unbalanced quote. Values may contain line breaks, which split a
record over two physical lines. Old snapshots use ``|`` and cp1250. MF files (mf-financial-
statements.md §3) are comma- or semicolon-delimited. Hence a small hand-written reader
(Python's ``csv`` module always treats some character as a quote and cannot rejoin broken
rows by field count): split on the delimiter only, rejoin short rows, report the rest.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple, TextIO

from firmsync.identity import cnp

__all__ = ["DelimitedFile", "FileReport", "RowProblem", "Span", "decode_line"]

MAX_RECORD_CHARS = 20_000  # a record rejoined from broken lines never grows past this
BLOCK = 1 << 22  # bytes read and decoded at a time
EXCERPT_CHARS = 160


class Span(NamedTuple):
    """Bytes ``start..end`` of a file, beginning with line number ``first_line``."""

    start: int
    end: int
    first_line: int


@dataclass(frozen=True)
class RowProblem:
    """One row that was rejected, or kept with a value dropped, and why."""

    file: str
    line: int
    reason: str
    excerpt: str
    rejected: bool

    def __str__(self) -> str:
        verb = "rejected" if self.rejected else "warning"
        return f"{self.file}:{self.line}: {verb}: {self.reason}: {self.excerpt}"


@dataclass
class FileReport:
    """What happened to the rows of one file; every problem goes to ``log`` if given."""

    file: str
    log: TextIO | None = None
    keep: int = 20
    rows_read: int = 0
    rows_loaded: int = 0
    rejected: Counter[str] = field(default_factory=Counter)
    warnings: Counter[str] = field(default_factory=Counter)
    examples: list[RowProblem] = field(default_factory=list)

    def _add(self, line: int, reason: str, raw: str, rejected: bool) -> None:
        # Masked before it is cut: a CNP across the cut would otherwise leave its first digits.
        excerpt = cnp.mask(raw)[:EXCERPT_CHARS]
        self.record(RowProblem(self.file, line, reason, excerpt, rejected))

    def record(self, problem: RowProblem) -> None:
        """Keep and log a problem already counted (by a worker reading part of the file)."""
        if len(self.examples) < self.keep:
            self.examples.append(problem)
        if self.log is not None:
            self.log.write(f"{problem}\n")

    def reject(self, line: int, reason: str, raw: str) -> None:
        """The row is not loaded."""
        self.rejected[reason] += 1
        self._add(line, reason, raw, True)

    def warn(self, line: int, reason: str, raw: str) -> None:
        """The row is loaded, but one value was dropped or flagged."""
        self.warnings[reason] += 1
        self._add(line, reason, raw, False)

    @property
    def rows_rejected(self) -> int:
        return sum(self.rejected.values())


def decode_line(raw: bytes) -> str:
    """UTF-8 where it is UTF-8, cp1250 where it is not (old snapshots, MF label files)."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1250", errors="replace")


def _first_line(path: Path) -> str:
    with path.open("rb") as handle:
        return decode_line(handle.readline()).lstrip("\ufeff").rstrip("\r\n")


class DelimitedFile:
    """The header and the records of one official file.

    ``records()`` yields ``(line_number, fields)`` with exactly as many fields as the header
    has, values stripped; the header is line 1 and a record keeps the number of the line it
    starts on. Rows that cannot be made whole go to ``report``.
    """

    def __init__(self, path: Path, report: FileReport, *, delimiters: str = "^|") -> None:
        self.path = path
        self.report = report
        first = _first_line(path)
        counts = {d: first.count(d) for d in delimiters}
        self.delimiter = max(counts, key=lambda d: counts[d])
        self.header = [name.strip().upper() for name in first.split(self.delimiter)]

    def split(self, parts: int) -> list[Span]:
        """Byte ranges of about equal size, for reading the file in parallel.

        Each range starts at a line with exactly the header's number of fields: such a line
        always starts a record (a record rejoined from broken lines never contains one), so
        reading the ranges one after the other gives exactly what reading the file does.
        """
        size = self.path.stat().st_size
        width, delimiter = len(self.header), self.delimiter.encode()
        with self.path.open("rb") as handle:
            starts = [len(handle.readline())]
            for k in range(1, parts):
                handle.seek(max(size * k // parts, starts[-1]))
                handle.readline()  # finish the line we landed in
                while True:
                    offset = handle.tell()
                    raw = handle.readline()
                    if not raw or raw.count(delimiter) + 1 == width:
                        break
                if raw and offset > starts[-1]:
                    starts.append(offset)
            ranges: list[Span] = []
            handle.seek(0)
            line, position = 1, 0
            for n, begin in enumerate(starts):
                while position < begin:  # count the lines before this range
                    chunk = handle.read(min(1 << 24, begin - position))
                    line += chunk.count(b"\n")
                    position += len(chunk)
                stop = starts[n + 1] if n + 1 < len(starts) else size
                ranges.append(Span(begin, stop, line))
        return ranges

    def column(self, name: str) -> int | None:
        try:
            return self.header.index(name)
        except ValueError:
            return None

    def _blocks(
        self, start: int, end: int, transform: Callable[[str], str] | None
    ) -> Iterator[list[str]]:
        """Decoded physical lines of bytes ``start..end``, a large block at a time."""
        with self.path.open("rb") as handle:
            handle.seek(start)
            remaining, carry = end - start, b""
            while remaining > 0:
                chunk = handle.read(min(BLOCK, remaining))
                if not chunk:
                    break
                remaining -= len(chunk)
                data = carry + chunk
                cut = data.rfind(b"\n") + 1 if remaining > 0 else len(data)
                if cut == 0:
                    carry = data
                    continue
                data, carry = data[:cut], data[cut:]
                try:
                    text = data.decode("utf-8")
                except UnicodeDecodeError:
                    text = "\n".join(decode_line(raw) for raw in data.split(b"\n"))
                if transform is not None:
                    text = transform(text)
                lines = text.split("\n")
                if lines[-1] == "":
                    lines.pop()
                yield lines
            if carry:
                yield [decode_line(carry)]

    def records(
        self, span: Span | None = None, *, transform: Callable[[str], str] | None = None
    ) -> Iterator[tuple[int, list[str]]]:
        """Records starting in ``span`` (from :meth:`split`; the whole file by default).

        ``transform`` is applied to the text before it is split into values (once per block
        of lines, not once per value).
        """
        span = span or self.whole()
        blocks = self._blocks(span.start, span.end, transform)
        return self.records_of(blocks, span.first_line)

    def whole(self) -> Span:
        """The span of every line after the header."""
        with self.path.open("rb") as handle:
            return Span(len(handle.readline()), self.path.stat().st_size, 2)

    def records_of(
        self, blocks: Iterable[list[str]], first_line: int
    ) -> Iterator[tuple[int, list[str]]]:
        """Records of decoded lines given block by block, the first being ``first_line``:
        rows broken across lines rejoined, values stripped, the rest reported."""
        width, delimiter, report = len(self.header), self.delimiter, self.report
        left, right = f" {delimiter}", f"{delimiter} "  # a value that needs stripping
        pending: str | None = None
        pending_line = 0
        number = first_line - 1
        read = 0
        try:
            for lines in blocks:
                for line in lines:
                    number += 1
                    if line[-1:] == "\r":
                        line = line[:-1]
                    if "\x00" in line:  # no database keeps a NUL in text: the row alone goes
                        if pending is not None:
                            read += 1
                            report.reject(pending_line, "too few fields", pending)
                            pending = None
                        read += 1
                        report.reject(number, "NUL byte in the row", line.replace("\x00", "\\0"))
                        continue
                    if pending is not None:
                        joined = f"{pending} {line}"
                        count = joined.count(delimiter) + 1
                        if count <= width and len(joined) <= MAX_RECORD_CHARS:
                            if count == width:
                                read += 1
                                yield pending_line, [v.strip() for v in joined.split(delimiter)]
                                pending = None
                            else:
                                pending = joined
                            continue
                        read += 1
                        report.reject(pending_line, "too few fields", pending)
                        pending = None
                    count = line.count(delimiter) + 1
                    if count == width:
                        read += 1
                        if left in line or right in line or line[:1] == " " or line[-1:] == " ":
                            yield number, [v.strip() for v in line.split(delimiter)]
                        else:
                            yield number, line.split(delimiter)
                    elif count > width:
                        read += 1
                        report.reject(
                            number, "too many fields", f"[{count}, expected {width}] {line}"
                        )
                    elif line.strip():
                        pending, pending_line = line, number
            if pending is not None:
                read += 1
                report.reject(pending_line, "too few fields", pending)
        finally:
            report.rows_read += read
