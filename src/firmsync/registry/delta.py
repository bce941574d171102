"""What changed in a file since its previous import, found without parsing the rest.

A monthly ``OD_FIRME`` or ``OD_STARE_FIRMA`` differs from the month before in about one row
in a hundred. The importer keeps a copy of the file it last imported whole (the file the
register's rows of that kind came from) and, given the next one, compares the two line by
line, as bytes. Only the lines that differ are decoded and parsed; the register's rows for
every other line are already what that line says.

A line is compared whole, bytes for bytes, so a line reported unchanged is unchanged; a
line that differs only by its line ending is re-read, which costs time, never correctness.
Each line read is one row: a changed line that may be a piece of a row broken across lines
asks for a whole read instead (:func:`runs`).
"""

from __future__ import annotations

import operator
import shutil
import uuid
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from firmsync.registry.reader import MAX_RECORD_CHARS, decode_line

__all__ = ["Lines", "cached_copy", "changed", "read_lines", "runs"]


@dataclass
class Lines:
    """The lines of a file after its header, as read (line ends other than ``\\n`` kept):
    ``lines[i]`` is line number ``i + 2``, the header being line 1."""

    header: bytes
    lines: list[bytes]

    def __len__(self) -> int:
        return len(self.lines)

    def text(self, i: int) -> bytes:
        return self.lines[i].rstrip(b"\r")


def read_lines(path: Path) -> Lines:
    data = path.read_bytes()
    lines = data.split(b"\n")
    del data
    if lines and lines[-1] == b"":
        lines.pop()
    header = lines[0].rstrip(b"\r") if lines else b""
    del lines[:1]
    return Lines(header, lines)


def changed(new: Lines, old: Lines) -> tuple[list[int], list[int]]:
    """The indexes of the lines of ``new`` and of ``old`` that the other file does not
    match: every line whose row is added, changed or removed.

    Lines are paired one to one: first each with the line at the same place in the other
    file (a file keeps its order from month to month, so this pairs nearly all of them,
    compared in sequence), then the rest by their text (:func:`_unpaired`).
    """
    common = min(len(new), len(old))
    same = np.fromiter(map(operator.eq, new.lines, old.lines), dtype=bool, count=common)
    differ = np.flatnonzero(~same)
    rest_new = np.concatenate((differ, np.arange(common, len(new)))).astype(np.int64)
    rest_old = np.concatenate((differ, np.arange(common, len(old)))).astype(np.int64)
    added, removed = _unpaired(
        [new.lines[i] for i in rest_new.tolist()], [old.lines[i] for i in rest_old.tolist()]
    )
    return rest_new[added].tolist(), rest_old[removed].tolist()


def _unpaired(new: list[bytes], old: list[bytes]) -> tuple[np.ndarray, np.ndarray]:
    """The indexes of ``new`` and of ``old`` whose text the other list has not as many
    times (all occurrences of such a text, on both sides).

    Lines are matched by hash in numpy, both sides sorted (a sorted search is thirty times
    quicker than one in file order), and every match is then confirmed by comparing the
    two lines' bytes: exact.
    """
    mine, theirs = _Sorted(new), _Sorted(old)
    differs_new, differs_old = mine.unmatched(theirs), theirs.unmatched(mine)
    # A text held twice stands for two rows: its count must agree too.
    repeated = mine.repeated() | theirs.repeated()
    if repeated:
        keys = np.fromiter(repeated, dtype=np.int64, count=len(repeated))
        at_new, at_old = mine.having(keys), theirs.having(keys)
        counts = Counter(new[i] for i in at_new)
        old_counts = Counter(old[i] for i in at_old)
        wanted = {t for t in counts.keys() | old_counts.keys() if counts[t] != old_counts[t]}
        for i in at_new:
            differs_new[i] |= new[i] in wanted
        for i in at_old:
            differs_old[i] |= old[i] in wanted
    return np.flatnonzero(differs_new), np.flatnonzero(differs_old)


class _Sorted:
    """A file's lines by hash: Python's hash of bytes, computed in C and cached on each
    line for the comparisons of bytes that confirm a match."""

    def __init__(self, lines: list[bytes]) -> None:
        self.lines = lines
        hashes = np.fromiter(map(hash, lines), dtype=np.int64, count=len(lines))
        self.order = np.argsort(hashes)
        self.ranked = hashes[self.order]

    def unmatched(self, other: _Sorted) -> np.ndarray:
        """Whether each line has no line of the same text in ``other``."""
        unmatched = np.ones(len(self.lines), dtype=bool)
        if not len(other.lines):
            return unmatched
        at = np.minimum(np.searchsorted(other.ranked, self.ranked), len(other.ranked) - 1)
        hit = np.flatnonzero(other.ranked[at] == self.ranked)
        # Each line's candidate in the other file, compared in file order: files keep their
        # order from month to month, so both are read nearly in sequence, not at random.
        partner = np.full(len(self.lines), -1, dtype=np.int64)
        partner[self.order[hit]] = other.order[at[hit]]
        mine = np.flatnonzero(partner >= 0)
        same = np.fromiter(
            map(
                operator.eq,
                [self.lines[i] for i in mine.tolist()],
                [other.lines[j] for j in partner[mine].tolist()],
            ),
            dtype=bool,
            count=len(mine),
        )
        unmatched[mine[same]] = False
        return unmatched

    def repeated(self) -> set[int]:
        """Hashes held by more than one line (the same text twice, or a collision)."""
        ranked = self.ranked
        return set(ranked[1:][ranked[1:] == ranked[:-1]].tolist())

    def having(self, hashes: np.ndarray) -> list[int]:
        """The indexes of the lines with one of ``hashes``."""
        return sorted(self.order[np.isin(self.ranked, hashes)].tolist())


def runs(
    lines: Lines, indexes: list[int], width: int, delimiter: bytes
) -> list[tuple[int, list[bytes]]] | None:
    """``(first line number, raw lines)`` of each run of consecutive lines of ``indexes``;
    None when one of them is, or may be, a piece of a row broken across lines: which pieces
    make a row then depends on lines that did not change, and only a whole read joins them
    as before.
    """
    if not all(_whole_row(lines, i, width, delimiter) for i in indexes):
        return None
    found: list[tuple[int, list[bytes]]] = []
    start = 0
    for k in range(1, len(indexes) + 1):
        if k == len(indexes) or indexes[k] != indexes[k - 1] + 1:
            found.append((indexes[start] + 2, [lines.text(i) for i in indexes[start:k]]))
            start = k
    return found


def _whole_row(lines: Lines, i: int, width: int, delimiter: bytes) -> bool:
    """Whether line ``i`` is a row of its own: it has at least ``width`` fields, and no
    piece of a broken row is left waiting before it for a line to complete it.

    The pieces before it are joined as :meth:`DelimitedFile.records_of` joins them, from the
    last line with ``width`` fields or more (after which nothing is ever waiting).
    """
    raw, fields = lines.lines, width - 1  # delimiters in a line of width fields
    if raw[i].count(delimiter) < fields:
        return False
    start = i
    while start > 0 and raw[start - 1].count(delimiter) < fields:
        start -= 1
    mark = delimiter.decode()
    waiting: str | None = None
    for j in range(start, i):
        line = decode_line(lines.text(j))
        if waiting is not None:
            joined = f"{waiting} {line}"
            count = joined.count(mark) + 1
            if count <= width and len(joined) <= MAX_RECORD_CHARS:
                waiting = None if count == width else joined
                continue
            waiting = None
        if line.strip():
            waiting = line  # fewer than width fields: every line before i is short
    return waiting is None


def cached_copy(path: Path, folder: Path, kind: str) -> tuple[Path, str]:
    """A copy of ``path`` in ``folder`` under a new token, for the next import to compare
    against; returns the copy and its token. A copy, not a link: a file downloaded again to
    the same path would change under a link."""
    folder.mkdir(parents=True, exist_ok=True)
    token = uuid.uuid4().hex
    target = folder / f"{kind}-{token}.csv"
    partial = target.with_suffix(".partial")
    shutil.copyfile(path, partial)
    partial.replace(target)
    return target, token
