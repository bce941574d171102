"""Switching the add-on on and off, and its settings.

Only an administrator of an account on the Professional plan may switch it (R1); the
refusal says which condition failed. Activation makes every card due (the backfill);
deactivation first shows what it will remove, then removes all provider data, restores the
users' earlier values and unlocks the fields. Usage stays: it is the bill.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from firmsync.crm.errors import Conflict, Forbidden, Invalid
from firmsync.crm.models import Account, Address, Company, Membership
from firmsync.enrichment.models import (
    AddonSettings,
    FinancialYear,
    Provenance,
    Representative,
    SyncState,
)
from firmsync.enrichment.services.apply import remove_provider_data

log = logging.getLogger(__name__)

__all__ = [
    "MAX_CAP",
    "UNSET",
    "ConfirmationNeeded",
    "NotAllowed",
    "Removal",
    "activate",
    "addon_change",
    "deactivate",
    "removal_preview",
    "update_settings",
]


# The most companies a monthly cap may say (the API's bound too): a number the database's
# column holds on every backend.
MAX_CAP = 10**9


class Unset:
    """No value given (``None`` is a value: no cap)."""


UNSET = Unset()


class NotAllowed(Forbidden):
    """The add-on cannot be switched by this user, or on this account."""


def _check(account: Account, user: AbstractBaseUser | None) -> None:
    if account.plan != Account.Plan.PROFESSIONAL:
        raise NotAllowed(
            f"account {account.name!r} is on the {account.plan} plan: the add-on needs the "
            "Professional plan"
        )
    if user is None:  # the operator, from the command line
        return
    if not Membership.objects.filter(
        account=account, user=user, role=Membership.Role.ADMIN
    ).exists():
        raise NotAllowed(f"{user} is not an administrator of account {account.name!r}")


def _queue_backfill(account_id: int) -> None:
    from firmsync.enrichment.tasks import backfill

    backfill(account_id)


def activate(
    account: Account,
    user: AbstractBaseUser | None,
    *,
    start_backfill: Callable[[int], None] = _queue_backfill,
) -> AddonSettings:
    """Switch the add-on on: every card of the account becomes due, and the backfill job
    is queued (it syncs them 100 at a time)."""
    _check(account, user)
    with transaction.atomic():
        settings, _ = AddonSettings.objects.get_or_create(account=account)
        if not settings.active:
            settings.active = True
            settings.activated_at = timezone.now()
            settings.changed_by = user if user is not None and user.pk else None
            settings.save()
            SyncState.objects.filter(company__account=account).update(
                state=SyncState.State.PENDING, next_due_at=timezone.now()
            )
            transaction.on_commit(lambda: _start(start_backfill, account))
    return settings


def _start(start_backfill: Callable[[int], None], account: Account) -> None:
    """Queue the backfill; a queue out of reach does not undo the activation: every card is
    due already, and the worker's periodic pass syncs the due cards when it runs."""
    try:
        start_backfill(account.pk)
    except Exception as error:  # whatever the queue's client raises (Redis, SQLite)
        log.warning(
            "account %r: the add-on is on, but its backfill could not be queued (%s); "
            "its cards are due and the worker syncs them when it reaches the queue",
            account.name,
            error.__class__.__name__,
        )


@dataclass(frozen=True)
class Removal:
    """What deactivation removes (shown before it does)."""

    cards: int
    fields: int
    addresses: int
    financial_years: int
    representatives: int

    def lines(self) -> list[str]:
        return [
            f"{self.cards:,} cards lose their synchronised data",
            f"{self.fields:,} synchronised field values (the users' earlier values come back)",
            f"{self.addresses:,} registered-office addresses",
            f"{self.financial_years:,} financial years",
            f"{self.representatives:,} administrators",
        ]


def removal_preview(account: Account, user: AbstractBaseUser | None = None) -> Removal:
    """What deactivation would remove, refused as deactivation is refused (``user`` ``None``:
    the operator): nothing is shown of a switch that cannot be made."""
    _check(account, user)
    return _removal(account)


def _removal(account: Account) -> Removal:
    cards = Company.objects.filter(account=account)
    return Removal(
        cards=cards.exclude(locked_fields=[]).count(),
        fields=sum(
            len(fields)  # (one row a card: its fields are the keys of a JSON object)
            for fields in Provenance.objects.filter(company__account=account)
            .values_list("fields", flat=True)
            .iterator()
        ),
        addresses=Address.objects.filter(
            company__account=account, origin=Address.Origin.PROVIDER
        ).count(),
        financial_years=FinancialYear.objects.filter(company__account=account).count(),
        representatives=Representative.objects.filter(company__account=account).count(),
    )


def deactivate(account: Account, user: AbstractBaseUser | None) -> Removal:
    """Switch the add-on off and remove everything it provided; what was removed."""
    _check(account, user)
    removed = _removal(account)
    with transaction.atomic():
        AddonSettings.objects.filter(account=account).update(active=False)
        for card in Company.objects.filter(account=account):
            remove_provider_data(card)
        SyncState.objects.filter(company__account=account).delete()
    return removed


def update_settings(
    account: Account,
    user: AbstractBaseUser | None,
    *,
    refresh_days: int | None = None,
    monthly_cap: int | Unset | None = UNSET,
    overage: bool | None = None,
) -> AddonSettings:
    """The administrator's settings: the refresh interval (1–30 days), the monthly cap in
    companies (``None``: no cap) and whether companies beyond the included ones are fetched.
    A new interval spreads the cards' next refreshes over it again."""
    _check(account, user)
    if refresh_days is not None and not 1 <= refresh_days <= 30:
        raise Invalid("refresh_days", f"must be from 1 to 30 days, not {refresh_days}")
    if isinstance(monthly_cap, int) and not 0 <= monthly_cap <= MAX_CAP:
        raise Invalid(
            "monthly_cap", f"must be a number of companies from 0 to {MAX_CAP:,}, not {monthly_cap}"
        )
    with transaction.atomic():
        settings, _ = AddonSettings.objects.select_for_update().get_or_create(account=account)
        if refresh_days is not None:
            settings.refresh_days = refresh_days
        if not isinstance(monthly_cap, Unset):
            settings.monthly_cap = monthly_cap
        if overage is not None:
            settings.overage = overage
        settings.changed_by = user if user is not None and user.pk else None
        settings.save()
        if refresh_days is not None:
            _spread(account, refresh_days)
    return settings


def _spread(account: Account, refresh_days: int) -> None:
    """Each synced card's next refresh on the new interval, at its own phase."""
    from firmsync.enrichment.services.sync import next_due

    now = timezone.now()
    states = list(
        SyncState.objects.filter(company__account=account, next_due_at__isnull=False).only(
            "pk", "company_id", "next_due_at"
        )
    )
    for state in states:
        state.next_due_at = next_due(state.company_id, refresh_days, now)
    SyncState.objects.bulk_update(states, ["next_due_at"], batch_size=500)


class ConfirmationNeeded(Conflict):
    """Deactivation asked without confirming it: what it would remove, to show first."""

    code = "confirm_required"
    field = "confirm"

    def __init__(self, removal: Removal) -> None:
        super().__init__(
            "deactivation removes all provider data (see preview); send confirm: true to do it"
        )
        self.removal = removal
        self.extra = {"preview": {**removal.__dict__, "lines": removal.lines()}}


def addon_change(
    account: Account,
    user: AbstractBaseUser | None,
    *,
    active: bool | None = None,
    confirm: bool = False,
    refresh_days: int | None = None,
    monthly_cap: int | Unset | None = UNSET,
    overage: bool | None = None,
) -> AddonSettings:
    """One change of the add-on as an administrator asks it (the API's ``PUT /addon``): its
    settings, then activation or deactivation. Deactivating removes provider data, so it
    happens only when ``confirm`` is given; without it, :class:`ConfirmationNeeded` carries
    the preview of what it would remove, and nothing changes."""
    _check(account, user)
    current = AddonSettings.objects.filter(account=account).first()
    leaving = active is False and current is not None and current.active
    if leaving and not confirm:
        raise ConfirmationNeeded(_removal(account))
    with transaction.atomic():
        changes_settings = (
            refresh_days is not None or not isinstance(monthly_cap, Unset) or overage is not None
        )
        if changes_settings:
            update_settings(
                account, user, refresh_days=refresh_days, monthly_cap=monthly_cap, overage=overage
            )
        if active is True:
            activate(account, user)
        elif leaving:
            deactivate(account, user)
    return AddonSettings.objects.get_or_create(account=account)[0]
