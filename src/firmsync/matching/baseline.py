"""The brute-force baseline: rapidfuzz over the normalised name of every registration.

What the real matcher is measured against, for speed and for quality: for each query,
``rapidfuzz.process.extract`` (WRatio) over every registration's normalised name. Its
probability is the raw similarity (0-1), not calibrated; it links when the best score is
near-perfect and clearly ahead of the next one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rapidfuzz import fuzz, process

from firmsync.identity import names
from firmsync.matching.index import NameIndex
from firmsync.matching.queries import LabelledQuery
from firmsync.matching.result import Candidate, Match
from firmsync.registry import read
from firmsync.registry.store import RegisterStore

__all__ = ["BruteForce"]

LINK_SCORE, MARGIN, REVIEW_SCORE = 97.0, 3.0, 70.0

Row = tuple[str, str | None, str, str | None, str | None, str]  # reg_number … status


class BruteForce:
    def __init__(self, keys: Sequence[str], rows: Callable[[list[int]], list[Row]]) -> None:
        """``keys``: every registration's normalised name; ``rows``: their facts by position."""
        self.keys = keys
        self.rows = rows

    @classmethod
    def from_store(cls, store: RegisterStore) -> BruteForce:
        columns = ("reg_number", "cui", "name", "county", "locality", "status")
        rows = [row for batch in read.registrations(store, columns) for row in batch]
        return cls([names.key(row[2]) for row in rows], lambda found: [rows[i] for i in found])

    @classmethod
    def from_index(cls, index: NameIndex) -> BruteForce:
        """Over the names the index holds (already normalised: the same names, less memory)."""

        def rows(found: list[int]) -> list[Row]:
            return [
                (e.reg_number, e.cui, e.name, e.county, e.locality, e.status)
                for e in index.entries_at(found)
            ]

        return cls(index.entries.column("key").to_pylist(), rows)

    def best(self, query: LabelledQuery) -> tuple[str, float, int] | None:
        """``process.extractOne``: the closest normalised name, its score and position."""
        return process.extractOne(names.key(query.name), self.keys, scorer=fuzz.WRatio)

    def __call__(self, query: LabelledQuery) -> Match:
        found = process.extract(names.key(query.name), self.keys, scorer=fuzz.WRatio, limit=5)
        candidates = [
            Candidate(reg_number, cui, name, score / 100, county, locality, status)
            for (_, score, _), (reg_number, cui, name, county, locality, status) in zip(
                found, self.rows([index for _, _, index in found]), strict=True
            )
        ]
        if not found or found[0][1] < REVIEW_SCORE:
            return Match("none", candidates)
        ahead = len(found) == 1 or found[0][1] - found[1][1] >= MARGIN
        return Match("linked" if found[0][1] >= LINK_SCORE and ahead else "review", candidates)
