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
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

__all__ = ["DelimitedFile", "FileReport", "RowProblem", "decode_line"]

MAX_RECORD_CHARS = 20_000  # a record rejoined from broken lines never grows past this
EXCERPT_CHARS = 160


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
        problem = RowProblem(self.file, line, reason, raw[:EXCERPT_CHARS], rejected)
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

    def column(self, name: str) -> int | None:
        try:
            return self.header.index(name)
        except ValueError:
            return None

    def records(self) -> Iterator[tuple[int, list[str]]]:
        width, delimiter, report = len(self.header), self.delimiter, self.report
        pending: str | None = None
        pending_line = 0
        with self.path.open("rb", buffering=1 << 20) as handle:
            handle.readline()
            number = 1
            for raw in handle:
                number += 1
                try:
                    line = raw.decode("utf-8")
                except UnicodeDecodeError:
                    line = raw.decode("cp1250", errors="replace")
                line = line.rstrip("\r\n")
                if pending is not None:
                    joined = f"{pending} {line}"
                    count = joined.count(delimiter) + 1
                    if count <= width and len(joined) <= MAX_RECORD_CHARS:
                        if count == width:
                            report.rows_read += 1
                            yield pending_line, [v.strip() for v in joined.split(delimiter)]
                            pending = None
                        else:
                            pending = joined
                        continue
                    report.rows_read += 1
                    report.reject(pending_line, "too few fields", pending)
                    pending = None
                if not line.strip():
                    continue
                count = line.count(delimiter) + 1
                if count == width:
                    report.rows_read += 1
                    yield number, [v.strip() for v in line.split(delimiter)]
                elif count < width:
                    pending, pending_line = line, number
                else:
                    report.rows_read += 1
                    report.reject(number, "too many fields", f"[{count}, expected {width}] {line}")
        if pending is not None:
            report.rows_read += 1
            report.reject(pending_line, "too few fields", pending)
