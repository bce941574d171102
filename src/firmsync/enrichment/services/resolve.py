"""Resolve: what a card is — foreign, opted out, a CUI to look up, or a name to match."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from firmsync.crm.models import Company
from firmsync.crm.services import canonical_cui
from firmsync.enrichment.models import SyncState
from firmsync.matching.result import Match

__all__ = ["NameMatcher", "Resolution", "resolve"]

State = SyncState.State


class NameMatcher(Protocol):
    def match(self, name: str, county: str | None = None, locality: str | None = None) -> Match:
        """The decision for a typed name (``firmsync.matching.matcher.Matcher``)."""


@dataclass(frozen=True)
class Resolution:
    state: str  # a SyncState.State; PENDING: look ``cui`` up
    cui: str | None = None
    method: str = ""
    probability: float | None = None
    candidates: list[dict[str, Any]] = field(default_factory=list)


def resolve(company: Company, matcher: NameMatcher | None) -> Resolution:
    """DESIGN §5's table: country, then the CUI field, then the name."""
    if (company.country or "RO").upper() != "RO":
        return Resolution(State.FOREIGN)
    typed = company.cui_input.strip()
    if typed:
        cui = canonical_cui(typed)
        if cui is None:
            return Resolution(State.STOPPED)  # "x", a wrong check digit: the user's opt-out
        return Resolution(State.PENDING, cui, SyncState.Method.CUI)
    if matcher is None:
        return Resolution(State.NO_MATCH)
    found = matcher.match(company.name, company.county or None, company.locality or None)
    candidates = found.to_dict()["candidates"]
    top = found.candidates[0].probability if found.candidates else None
    if found.linked is not None and found.linked.cui:
        return Resolution(State.PENDING, found.linked.cui, SyncState.Method.NAME, top, candidates)
    if found.decision == "review":
        return Resolution(State.REVIEW, None, SyncState.Method.NAME, top, candidates)
    return Resolution(State.NO_MATCH, None, SyncState.Method.NAME, top, candidates)
