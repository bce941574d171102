"""Reads of the add-on: a card as users see it, and an account's usage.

One read model of a card, :func:`card_view`, so that every surface shows a card the same way: its
fields, which are locked and where each synchronised value came from, its sync state,
addresses, financial years and administrators — plain JSON values (dates as ISO text).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q, QuerySet
from django.utils import timezone

from firmsync.crm.errors import Invalid, NotFound
from firmsync.crm.models import Account, Address, Company
from firmsync.crm.rows import one_with, rows
from firmsync.crm.services import ADDRESS_PARTS, EDITABLE
from firmsync.enrichment.models import (
    AddonSettings,
    Alert,
    CardHistory,
    FinancialYear,
    Provenance,
    Representative,
    SyncState,
    UsageMonth,
    WebhookSubscription,
)
from firmsync.enrichment.services.policy import LOCKED
from firmsync.enrichment.services.usage import Statement, month_of, statement
from firmsync.enrichment.services.webhooks import webhook_admin_check

__all__ = [
    "CARD_SORTS",
    "Page",
    "addon_view",
    "alerts_page",
    "card_alerts",
    "card_candidates",
    "card_history",
    "card_read",
    "card_summary",
    "card_view",
    "cards_page",
    "cards_query",
    "statements_of",
    "usage_statement",
    "webhook_deliveries",
    "webhooks_of",
]

_MONTH = re.compile(r"(?!0000)\d{4}-(0[1-9]|1[0-2])")  # a month of a year there is

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
    return _view(
        card,
        getattr(card, "sync", None),
        getattr(card, "provenance", None),
        card.addresses.order_by("pk"),
        card.financial_years.all(),
        card.representatives.order_by("pk"),
    )


def _view(
    card: Company,
    state: SyncState | None,
    provenance: Provenance | None,
    addresses: Iterable[Address],
    years: Iterable[FinancialYear],
    representatives: Iterable[Representative],
) -> dict[str, Any]:
    fields = dict.fromkeys((*EDITABLE, *LOCKED))
    return {
        "id": card.pk,
        "account": card.account.name,
        "cui": card.cui,
        **{field: _plain(getattr(card, field)) for field in fields},
        "locked_fields": list(card.locked_fields),
        "addresses": [_address(a) for a in addresses],
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
            {"year": f.year, **{k: getattr(f, k) for k in _FIGURES}} for f in years
        ],
        "representatives": [{"name": r.name, "role": r.role} for r in representatives],
    }


def card_read(card_id: int, *, account: Account) -> dict[str, Any]:
    """:func:`card_view` of the account's card ``card_id`` (another account's: not found),
    in four queries (``crm.rows``): the API's most frequent read."""
    card = one_with(Company, ("sync", "provenance"), id=card_id, account=account.pk)
    if card is None:
        raise NotFound(f"no card {card_id}")
    card.account = account
    return _view(
        card,
        getattr(card, "sync", None),
        getattr(card, "provenance", None),
        rows(Address, company=card.pk, order="id"),
        rows(FinancialYear, company=card.pk, order="-year"),
        rows(Representative, company=card.pk, order="id"),
    )


def usage_statement(
    account: Account, month: str | None = None, *, now: datetime.datetime | None = None
) -> Statement:
    """The account's statement for ``month`` (``YYYY-MM``; default: this month, Bucharest)."""
    if month is None:
        month = month_of(now or timezone.now())
    elif not _MONTH.fullmatch(month):
        raise Invalid("month", f"must be YYYY-MM, not {month!r}")
    return statement(account, month)


@dataclass(frozen=True)
class Page:
    """A page of a list in a fixed order, and where the next one starts (``None``: the last)."""

    items: list[Any]
    next_after: int | None


def _page(rows: list[Any], limit: int) -> Page:
    more = len(rows) > limit
    return Page(rows[:limit], rows[limit - 1].pk if more else None)


def card_summary(card: Company) -> dict[str, Any]:
    """A card in a list: who it is and how its sync stands (``card_view`` has the rest)."""
    state = getattr(card, "sync", None)
    return {
        "id": card.pk,
        "name": card.name,
        "cui": card.cui,
        "cui_input": card.cui_input,
        "country": card.country,
        "county": card.county,
        "locality": card.locality,
        "legal_name": card.legal_name,
        "status": card.status,
        "sync_state": state.state if state is not None else None,
        "updated_at": card.updated_at.isoformat(),
    }


# The orders a list of cards can be read in; the id breaks ties, so pages never overlap.
CARD_SORTS = {
    "id": ("pk",),
    "-id": ("-pk",),
    "name": ("name", "pk"),
    "-name": ("-name", "-pk"),
    "-updated": ("-updated_at", "-pk"),
}


def cards_query(
    account: Account,
    *,
    state: str | None = None,
    status: str | None = None,
    county: str | None = None,
    text: str | None = None,
    sort: str = "id",
) -> QuerySet[Company]:
    """The account's cards filtered by sync state (``none``: never synced), status, county
    and free text (name, legal name, CUI, register number), in one of :data:`CARD_SORTS`:
    a query to page through (the web counts its pages; the API follows a cursor)."""
    if sort not in CARD_SORTS:
        raise Invalid("sort", f"must be one of {', '.join(CARD_SORTS)}")
    cards = Company.objects.filter(account=account).select_related("sync")
    if state == "none":
        cards = cards.filter(sync__isnull=True)
    elif state:
        if state not in SyncState.State.values:
            raise Invalid("state", f"must be one of none, {', '.join(SyncState.State.values)}")
        cards = cards.filter(sync__state=state)
    if status:
        cards = cards.filter(status=status)
    if county:  # as the user typed it, or the registered office's
        cards = cards.filter(
            Q(county__iexact=county)
            | Q(pk__in=Address.objects.filter(county__iexact=county).values("company_id"))
        )
    if text and text.strip():
        typed = text.strip()
        cards = cards.filter(
            Q(name__icontains=typed)
            | Q(legal_name__icontains=typed)
            | Q(cui__startswith=typed.upper().removeprefix("RO").strip())
            | Q(reg_number__icontains=typed)
        )
    return cards.order_by(*CARD_SORTS[sort])


def cards_page(
    account: Account,
    *,
    state: str | None = None,
    status: str | None = None,
    county: str | None = None,
    text: str | None = None,
    after: int | None = None,
    limit: int = 50,
) -> Page:
    """The account's cards in id order, filtered as :func:`cards_query` does, from ``after``
    on: a cursor that stays right while cards are added and deleted."""
    cards = cards_query(account, state=state, status=status, county=county, text=text)
    if after is not None:
        cards = cards.filter(pk__gt=after)
    return _page(list(cards[: limit + 1]), limit)


def card_candidates(card: Company) -> list[dict[str, Any]]:
    """The companies a card's name may stand for, best first (empty once it has a CUI
    of its own, or before it was matched)."""
    state = SyncState.objects.filter(company=card).first()
    return list(state.candidates) if state is not None else []


def card_history(card: Company, *, before: int | None = None, limit: int = 50) -> Page:
    """The card's changes, newest first: who (``addon``, ``user``, ``restore``), when, and
    each field's old and new value."""
    entries = CardHistory.objects.filter(company=card)
    if before is not None:
        entries = entries.filter(pk__lt=before)
    return _page(list(entries.order_by("-pk")[: limit + 1]), limit)


def alerts_page(
    account: Account, *, unread: bool | None = None, before: int | None = None, limit: int = 50
) -> Page:
    """The account's alerts, newest first."""
    alerts = Alert.objects.filter(account=account)
    if unread is not None:
        alerts = alerts.filter(read=not unread)
    if before is not None:
        alerts = alerts.filter(pk__lt=before)
    return _page(list(alerts.order_by("-pk")[: limit + 1]), limit)


def card_alerts(card: Company, *, limit: int = 10) -> list[Alert]:
    """The card's newest alerts (status, VAT, e-Factura, name, registered office)."""
    alerts = Alert.objects.filter(account_id=card.account_id, company=card)
    return list(alerts.order_by("-pk")[:limit])


def addon_view(account: Account) -> dict[str, Any]:
    """The add-on's settings and state for the account (the defaults before its first use)."""
    settings = AddonSettings.objects.filter(account=account).first() or AddonSettings()
    return {
        "plan": account.plan,
        "active": settings.active,
        "refresh_days": settings.refresh_days,
        "monthly_cap": settings.monthly_cap,
        "overage": settings.overage,
        "activated_at": _plain(settings.activated_at),
        "backfill_total": settings.backfill_total,
        "backfill_done": _backfill_done(account, settings),
    }


def _backfill_done(account: Account, settings: AddonSettings) -> int:
    """Cards of the backfill synced so far: its total less the account's cards still
    waiting for their sync (never synced, or pending) — counted from the cards themselves,
    so whichever job, sweep or run synced a card, it counts once."""
    if not settings.active or not settings.backfill_total:
        return settings.backfill_total
    waiting = (
        Company.objects.filter(account=account)
        .filter(Q(sync__isnull=True) | Q(sync__state=SyncState.State.PENDING))
        .count()
    )
    return max(0, settings.backfill_total - waiting)


def statements_of(account: Account) -> list[Statement]:
    """The account's statement for every month it used the add-on, newest first."""
    months = UsageMonth.objects.filter(account=account).order_by("-month")
    return [statement(account, month) for month in months.values_list("month", flat=True)]


def webhooks_of(account: Account, user: AbstractBaseUser | None) -> list[WebhookSubscription]:
    """The account's subscriptions (administrators only)."""
    webhook_admin_check(account, user)
    return list(WebhookSubscription.objects.filter(account=account).order_by("pk"))


def webhook_deliveries(
    account: Account,
    user: AbstractBaseUser | None,
    webhook_id: int,
    *,
    before: int | None = None,
    limit: int = 50,
) -> Page:
    """A subscription's delivery log, newest first (another account's: not found)."""
    subscription = WebhookSubscription.objects.filter(account=account, pk=webhook_id).first()
    if subscription is None:
        raise NotFound(f"no webhook {webhook_id}")
    webhook_admin_check(account, user)
    deliveries = subscription.deliveries.all()
    if before is not None:
        deliveries = deliveries.filter(pk__lt=before)
    return _page(list(deliveries.order_by("-pk")[: limit + 1]), limit)
