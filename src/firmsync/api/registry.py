"""``/api/v1/registry``: the official register as everyone may read it — a company's facts
(the ``CompanyFacts`` JSON of ``firmsync registry show``) and a typeahead by name or CUI."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from firmsync.api.errors import responses
from firmsync.api.types import Line40, Line60, Typed
from firmsync.enrichment.services.register import register_facts, register_typeahead
from firmsync.sources.facts import CompanyFacts

__all__ = ["router"]

router = Router(tags=["registry"])


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


@router.get(
    "/search", response=responses({200: Hits}), summary="Typeahead: the top 10 by name or CUI"
)
def search(
    request: HttpRequest,
    q: Typed,
    county: Line60 | None = None,
) -> dict[str, Any]:
    return register_typeahead(q, county=county)


@router.get(
    "/{cui}", response=responses({200: CompanyFacts}, 404), summary="A company's facts by CUI"
)
def facts(request: HttpRequest, cui: Line40) -> dict[str, Any]:
    return register_facts(cui).to_dict()
