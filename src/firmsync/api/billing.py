"""``/api/v1/usage`` and ``/api/v1/statements``: companies fetched and what they cost."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from firmsync.api.auth import account_of
from firmsync.api.errors import responses
from firmsync.api.types import Line20
from firmsync.enrichment.selectors import statements_of, usage_statement

__all__ = ["router"]

router = Router(tags=["billing"])


class StatementOut(Schema):
    """A month's bill (EUR net, amounts as decimal strings: money is never a float)."""

    month: str
    companies: int = Field(..., description="companies fetched in the month")
    included: int
    base: str
    overage_companies: int
    overage: str
    total: str
    final: bool = Field(..., description="the month is over and its prices frozen")


class Statements(Schema):
    items: list[StatementOut]


@router.get("/usage", response=responses({200: StatementOut}), summary="A month's usage")
def usage(request: HttpRequest, month: Line20 | None = None) -> dict[str, Any]:
    """``month`` is ``YYYY-MM`` (default: this month, Bucharest time)."""
    return usage_statement(account_of(request), month or None).to_dict()


@router.get("/statements", response=responses({200: Statements}), summary="Monthly statements")
def statements(request: HttpRequest) -> dict[str, Any]:
    return {"items": [bill.to_dict() for bill in statements_of(account_of(request))]}
