"""``/api/v1/registry``: the official register as everyone may read it — a company's facts
(the ``CompanyFacts`` JSON of ``firmsync registry show``) and a typeahead by name or CUI."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from firmsync.api.errors import responses
from firmsync.api.types import Line40, Line60, Typed
from firmsync.crm.errors import Invalid, NotFound
from firmsync.enrichment.services.register import register_facts, register_search
from firmsync.sources.facts import CompanyFacts

__all__ = ["router"]

router = Router(tags=["registry"])

TYPEAHEAD = 10


class Hit(Schema):
    cui: str | None
    reg_number: str | None
    name: str | None
    county: str | None
    locality: str | None
    status: str | None
    probability: float | None = Field(..., description="null for a CUI typed in full")


class Hits(Schema):
    decision: str = Field(..., description="`linked`, `review` or `none` (`cui`: typed in full)")
    items: list[Hit]


def _looks_like_cui(typed: str) -> bool:
    """
    >>> _looks_like_cui("RO 18547290"), _looks_like_cui("1854"), _looks_like_cui("Acme 2")
    (True, True, False)
    """
    digits = typed.upper().removeprefix("RO").replace(" ", "")
    return digits.isdigit() and digits.isascii()


def _facts_hit(facts: CompanyFacts) -> dict[str, Any]:
    address = facts.address
    return {
        "cui": facts.cui,
        "reg_number": facts.reg_number,
        "name": facts.name,
        "county": address.county if address else None,
        "locality": address.locality if address else None,
        "status": facts.status,
        "probability": None,
    }


@router.get(
    "/search", response=responses({200: Hits}), summary="Typeahead: the top 10 by name or CUI"
)
def search(
    request: HttpRequest,
    q: Typed,
    county: Line60 | None = None,
) -> dict[str, Any]:
    if _looks_like_cui(q):
        try:
            return {"decision": "cui", "items": [_facts_hit(register_facts(q))]}
        except (NotFound, Invalid):  # digits still being typed: nothing yet
            return {"decision": "none", "items": []}
    found = register_search(q, county=county, shown=TYPEAHEAD).to_dict()
    keys = ("cui", "reg_number", "name", "county", "locality", "status", "probability")
    return {
        "decision": found["decision"],
        "items": [{k: c[k] for k in keys} for c in found["candidates"]],
    }


@router.get(
    "/{cui}", response=responses({200: CompanyFacts}, 404), summary="A company's facts by CUI"
)
def facts(request: HttpRequest, cui: Line40) -> dict[str, Any]:
    return register_facts(cui).to_dict()
