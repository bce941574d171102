"""Metering and billing: companies fetched per account per month (Europe/Bucharest).

A company counts once a month, the first time it is fetched successfully; later refreshes
that month are free. 2,000 companies are included for 5.9 EUR net, each further one 0.003
EUR (operator settings: ``FIRMSYNC_PRICE_BASE``, ``FIRMSYNC_PRICE_INCLUDED``,
``FIRMSYNC_PRICE_EACH``). When a month is over its statement's prices are frozen
(:func:`close_months`), so a later change of prices leaves past bills as they were. An
account's cap stops fetching new companies for the month; with overage off the cap is the
included amount.
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction

from firmsync import conf
from firmsync.crm.models import Account, Company
from firmsync.enrichment import rows
from firmsync.enrichment.models import AddonSettings, Alert, UsageEntry, UsageMonth

__all__ = [
    "Prices",
    "Statement",
    "cap_reached",
    "close_months",
    "meter",
    "month_of",
    "statement",
]

BUCHAREST = ZoneInfo("Europe/Bucharest")
# Metering runs for every card synced: plain SQL (see firmsync.enrichment.rows for why).
_ENTRY = rows.Table(UsageEntry, "account", "month", "cui", "company", "at")
_MONTH = rows.Table(UsageMonth, "account", "month", "companies")
_ONCE = ("account", "month", "cui")  # UsageEntry's unique constraint


@dataclass(frozen=True)
class Prices:
    base: Decimal = Decimal("5.9")
    included: int = 2000
    each: Decimal = Decimal("0.003")

    @classmethod
    def configured(cls) -> Prices:
        config = conf.load()
        return cls(Decimal(config.price_base), config.price_included, Decimal(config.price_each))


@functools.lru_cache(maxsize=64)  # a batch meters its cards at one moment
def month_of(moment: datetime.datetime) -> str:
    """The billing month of a moment, in Bucharest time.

    >>> month_of(datetime.datetime(2026, 11, 30, 22, 30, tzinfo=datetime.UTC))
    '2026-12'
    """
    return moment.astimezone(BUCHAREST).strftime("%Y-%m")


def _limit(settings: AddonSettings, prices: Prices) -> int | None:
    limits = [settings.monthly_cap] if settings.monthly_cap is not None else []
    if not settings.overage:
        limits.append(prices.included)
    return min(limits) if limits else None


def cap_reached(
    settings: AddonSettings,
    prices: Prices,
    cui: str,
    moment: datetime.datetime,
    admitted: set[str] | None = None,
) -> bool:
    """Whether fetching ``cui`` now would go over the account's cap (a company already
    counted this month never does). ``admitted``: the CUIs of the same batch let through
    already, not yet counted."""
    limit = _limit(settings, prices)
    if limit is None:
        return False
    month = month_of(moment)
    counted = UsageEntry.objects.filter(account_id=settings.account_id, month=month)
    if counted.filter(cui=cui).exists():
        return False
    pending = set(admitted or ()) - {cui}
    if pending:
        pending -= set(counted.filter(cui__in=pending).values_list("cui", flat=True))
    return _counted(settings.account_id, month) + len(pending) >= limit


def _counted(account_id: int, month: str) -> int:
    """How many companies the account's ``month`` counts so far."""
    count = UsageMonth.objects.filter(account_id=account_id, month=month).first()
    return count.companies if count else 0


def meter(
    company: Company,
    prices: Prices,
    cui: str,
    moment: datetime.datetime,
    cursor: rows.Cursor | None = None,
) -> bool:
    """Count ``cui`` for the card's account this month; whether it was new. Warns at 80%
    and 100% of the included amount. ``cursor``: the caller's, in its transaction."""
    if cursor is None:
        with transaction.atomic(), rows.cursor() as cursor:
            return meter(company, prices, cui, moment, cursor)
    month = month_of(moment)
    account = company.account_id
    if not _ENTRY.insert(cursor, [(account, month, cui, company.pk, moment)], unless=_ONCE):
        return False  # already counted this month
    count = _MONTH.increment(cursor, {"account": account, "month": month}, "companies")
    included = prices.included
    for share in (80, 100):
        if count == included * share // 100:
            Alert.objects.create(
                account_id=company.account_id,
                kind="usage",
                message=f"{count:,} companies this month: {share}% of the {included:,} included",
            )
    return True


@dataclass(frozen=True)
class Statement:
    account: str
    month: str
    companies: int
    included: int
    base: Decimal
    overage_companies: int
    overage: Decimal
    total: Decimal
    final: bool  # the month is over and its prices are frozen; else the running figures

    def to_dict(self) -> dict[str, object]:
        return {k: str(v) if isinstance(v, Decimal) else v for k, v in self.__dict__.items()}


def close_months(now: datetime.datetime, prices: Prices | None = None) -> int:
    """Freeze the prices of every month that is over (Bucharest time) into its statement;
    how many months were closed. Runs every hour; a closed month is never closed again."""
    prices = prices or Prices.configured()
    return UsageMonth.objects.filter(month__lt=month_of(now), closed_at__isnull=True).update(
        closed_at=now, base=prices.base, included=prices.included, each=prices.each
    )


def statement(account: Account, month: str, prices: Prices | None = None) -> Statement:
    """The month's bill: the base fee plus the companies beyond the included amount — at the
    prices frozen when the month closed, or (still open) at today's ``prices``."""
    kept = UsageMonth.objects.filter(account=account, month=month, closed_at__isnull=False)
    closed = kept.first()
    if closed is not None:
        assert closed.base is not None and closed.included is not None and closed.each is not None
        prices = Prices(closed.base, closed.included, closed.each)
    prices = prices or Prices.configured()
    companies = UsageEntry.objects.filter(account=account, month=month).count()
    beyond = max(0, companies - prices.included)
    overage = prices.each * beyond
    return Statement(
        account.name,
        month,
        companies,
        prices.included,
        prices.base,
        beyond,
        overage,
        prices.base + overage,
        closed is not None,
    )
