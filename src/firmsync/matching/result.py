"""What a matcher answers: a decision and the ranked candidates behind it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Candidate", "Match"]


@dataclass(frozen=True)
class Candidate:
    reg_number: str
    cui: str | None
    name: str
    probability: float
    county: str | None = None
    locality: str | None = None
    status: str | None = None
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class Match:
    decision: str  # "linked", "review" or "none"
    candidates: list[Candidate] = field(default_factory=list)

    @property
    def linked(self) -> Candidate | None:
        return self.candidates[0] if self.decision == "linked" and self.candidates else None

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape ``firmsync match --json`` prints: the link, then the candidates."""
        linked = self.linked
        return {
            "decision": self.decision,
            "cui": linked.cui if linked else None,
            "reg_number": linked.reg_number if linked else None,
            "probability": self.candidates[0].probability if self.candidates else None,
            "candidates": [
                {
                    "cui": c.cui,
                    "reg_number": c.reg_number,
                    "name": c.name,
                    "county": c.county,
                    "locality": c.locality,
                    "status": c.status,
                    "probability": c.probability,
                    "reasons": list(c.reasons),
                }
                for c in self.candidates
            ],
        }
