"""The brute-force baseline: rapidfuzz over the normalised name of every registration.

What the real matcher is measured against, for speed and for quality. Its probability is
the raw similarity (0-1), not calibrated; it links when the best score is near-perfect and
clearly ahead of the next one.
"""

from __future__ import annotations

from rapidfuzz import fuzz, process

from firmsync.identity import names
from firmsync.matching.evaluation import Candidate, Match
from firmsync.matching.queries import LabelledQuery
from firmsync.registry.store import RegisterStore

__all__ = ["BruteForce"]

LINK_SCORE, MARGIN, REVIEW_SCORE = 97.0, 3.0, 70.0


class BruteForce:
    def __init__(self, rows: list[tuple[str, str | None, str, str | None, str | None, str]]):
        """``rows``: (reg_number, cui, name, county, locality, status) of each registration."""
        self.rows = rows
        self.keys = [names.key(row[2]) for row in rows]

    @classmethod
    def from_store(cls, store: RegisterStore) -> BruteForce:
        columns = "reg_number, cui, name, county, locality, status"
        return cls(store.query(f"SELECT {columns} FROM registration_view"))

    def __call__(self, query: LabelledQuery) -> Match:
        found = process.extract(names.key(query.name), self.keys, scorer=fuzz.WRatio, limit=5)
        candidates = []
        for _, score, index in found:
            reg_number, cui, name, county, locality, status = self.rows[index]
            candidates.append(
                Candidate(reg_number, cui, name, score / 100, county, locality, status)
            )
        if not found or found[0][1] < REVIEW_SCORE:
            return Match("none", candidates)
        ahead = len(found) == 1 or found[0][1] - found[1][1] >= MARGIN
        return Match("linked" if found[0][1] >= LINK_SCORE and ahead else "review", candidates)
