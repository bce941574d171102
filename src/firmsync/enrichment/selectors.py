"""Reads of the add-on: a card as users see it, and an account's usage.

One read model of a card, :func:`card_view`, so that every surface shows a card the same way: its
fields, which are locked and where each synchronised value came from, its sync state,
addresses, financial years and administrators — plain JSON values (dates as ISO text).
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.utils import timezone

from firmsync.crm.errors import Invalid
from firmsync.crm.models import Account, Address, Company
from firmsync.crm.services import ADDRESS_PARTS, EDITABLE
from firmsync.enrichment.services.policy import LOCKED
from firmsync.enrichment.services.usage import Statement, month_of, statement

__all__ = ["card_view", "usage_statement"]

_MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")

_FIGURES = ("turnover", "net_profit", "net_loss", "employees", "share_capital", "source")


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime.date | datetime.datetime) else value


def _address(address: Address) -> dict[str, Any]:
    return {
        "kind": address.kind,
        "origin": address.origin,
        **{part: getattr(address, part) for part in ADDRESS_PARTS},
    }


def card_view(card: Company) -> dict[str, Any]:
    """The card as users see it (``sync`` is ``None`` before its first sync)."""
    # (a card without the row raises RelatedObjectDoesNotExist, an AttributeError: None)
    state = getattr(card, "sync", None)
    provenance = getattr(card, "provenance", None)
    fields = dict.fromkeys((*EDITABLE, *LOCKED))
    return {
        "id": card.pk,
        "account": card.account.name,
        "cui": card.cui,
        **{field: _plain(getattr(card, field)) for field in fields},
        "locked_fields": list(card.locked_fields),
        "addresses": [_address(a) for a in card.addresses.order_by("pk")],
        "sync": None
        if state is None
        else {
            "state": state.state,
            "method": state.method or None,
            "probability": state.probability,
            "candidates": state.candidates,
            "owed_sources": state.owed_sources,
            "last_synced_at": _plain(state.last_synced_at),
            "next_due_at": _plain(state.next_due_at),
            "last_error": state.last_error or None,
        },
        "provenance": {
            field: {"source": held["source"], "as_of": held["as_of"] or None}
            for field, held in (provenance.fields if provenance else {}).items()
        },
        "financial_years": [
            {"year": f.year, **{k: getattr(f, k) for k in _FIGURES}}
            for f in card.financial_years.all()
        ],
        "representatives": [{"name": r.name, "role": r.role} for r in card.representatives.all()],
    }


def usage_statement(
    account: Account, month: str | None = None, *, now: datetime.datetime | None = None
) -> Statement:
    """The account's statement for ``month`` (``YYYY-MM``; default: this month, Bucharest)."""
    if month is None:
        month = month_of(now or timezone.now())
    elif not _MONTH.fullmatch(month):
        raise Invalid("month", f"must be YYYY-MM, not {month!r}")
    return statement(account, month)
