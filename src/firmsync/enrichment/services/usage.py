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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import F

from firmsync import conf
from firmsync.crm.models import Account, Company
from firmsync.enrichment.models import AddonSettings, Alert, UsageEntry, UsageMonth
from firmsync.enrichment.services.webhooks import emit_alerts

__all__ = [
    "Prices",
    "Statement",
    "admitted",
    "close_months",
    "meter",
    "month_of",
    "statement",
]

BUCHAREST = ZoneInfo("Europe/Bucharest")


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


def admitted(
    settings: AddonSettings, prices: Prices, cuis: Sequence[str], moment: datetime.datetime
) -> set[str]:
    """Of ``cuis`` (a batch's, in its cards' order), those that may be fetched now without
    going over the account's cap: a company already counted this month always may, the
    others while there is room, first come first served."""
    limit = _limit(settings, prices)
    if limit is None:
        return set(cuis)
    month = month_of(moment)
    let = set(
        UsageEntry.objects.filter(
            account_id=settings.account_id, month=month, cui__in=set(cuis)
        ).values_list("cui", flat=True)
    )
    count = UsageMonth.objects.filter(account_id=settings.account_id, month=month).first()
    room = limit - (count.companies if count else 0)
    for cui in cuis:
        if cui not in let and room > 0:
            let.add(cui)
            room -= 1
    return let


def meter(fetched: Iterable[tuple[Company, str]], prices: Prices, moment: datetime.datetime) -> int:
    """Count each card's company (its CUI) for the card's account this month; how many
    were new. Warns at 80% and 100% of the included amount. In the caller's transaction:
    the month's count is locked while its entries are written, so batches metering the
    same account at once count each company once and the count stays the entries'."""
    month = month_of(moment)
    wanted: dict[int, dict[str, int]] = {}  # account → CUI → the first card with it
    for company, cui in fetched:
        wanted.setdefault(company.account_id, {}).setdefault(cui, company.pk)
    new = 0
    for account, cuis in wanted.items():
        UsageMonth.objects.bulk_create(
            [UsageMonth(account_id=account, month=month)], ignore_conflicts=True
        )
        count = UsageMonth.objects.select_for_update().get(account_id=account, month=month)
        counted = set(
            UsageEntry.objects.filter(account_id=account, month=month, cui__in=cuis).values_list(
                "cui", flat=True
            )
        )
        entries = [
            UsageEntry(account_id=account, month=month, cui=cui, company_id=card)
            for cui, card in cuis.items()
            if cui not in counted
        ]
        if not entries:
            continue
        UsageEntry.objects.bulk_create(entries)
        UsageMonth.objects.filter(pk=count.pk).update(companies=F("companies") + len(entries))
        new += len(entries)
        before, after = count.companies, count.companies + len(entries)
        included = prices.included
        for share in (80, 100):
            mark = included * share // 100
            if before < mark <= after:
                alert = Alert.objects.create(
                    account_id=account,
                    kind="usage",
                    message=f"{mark:,} companies this month: {share}% of the {included:,} included",
                    params={"companies": mark, "share": share, "included": included},
                )
                emit_alerts([alert])  # usage.threshold
    return new


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
