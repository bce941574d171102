"""Claims: who is syncing a card right now, so that no card is fetched twice.

Overlapping ``sync run``s, the worker's jobs and its periodic sweep may all reach for the
same cards. Each claims its batch before it reads anything: one ``UPDATE`` that takes only
the cards no one holds (and, for the work that syncs due cards, only those still due), so
of two claims of a card exactly one wins, on SQLite and on PostgreSQL alike. A claim ends
when its batch is written, or expires: a holder killed mid-batch delays its cards by
:data:`CLAIM_FOR` and loses none of them.
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Iterable

from django.db.models import Q
from django.utils import timezone

from firmsync.enrichment.models import SyncState
from firmsync.enrichment.services.commits import engine_transaction

__all__ = ["CLAIM_FOR", "DUE_STATES", "claim", "release", "release_all"]

CLAIM_FOR = datetime.timedelta(minutes=2)  # far longer than a batch takes to sync
DUE_STATES = (SyncState.State.PENDING, SyncState.State.QUOTA_PAUSED)  # due whatever the date


def claim(
    card_ids: Iterable[int], *, due_at: datetime.datetime | None = None
) -> tuple[str, set[int]]:
    """Claim the cards no one else holds; the claim's token and the cards it holds.

    ``due_at``: only the cards due at that moment (on the engine's clock) — those never
    synced, waiting, or whose refresh date has come — so that a run whose list of due cards
    was made before another run synced some of them does not sync those again. A card
    never synced gets its (pending) state here, to hold the claim."""
    ids = sorted(set(card_ids))  # (one order: two claims wait for each other, never deadlock)
    if not ids:
        return "", set()
    token = secrets.token_hex(16)
    now = timezone.now()  # (claims expire on the wall clock, whatever the engine's clock)
    free = SyncState.objects.filter(company_id__in=ids).filter(
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    )
    if due_at is not None:
        free = free.filter(Q(state__in=DUE_STATES) | Q(next_due_at__lte=due_at))
    with engine_transaction():
        SyncState.objects.bulk_create(
            [SyncState(company_id=pk) for pk in ids], ignore_conflicts=True
        )
        free.update(claim=token, claimed_until=now + CLAIM_FOR)
        held = SyncState.objects.filter(company_id__in=ids, claim=token)
        return token, set(held.values_list("company_id", flat=True))


def release(token: str, card_ids: Iterable[int]) -> None:
    """End the claim on the cards (those another run took over after it expired stay
    theirs)."""
    if token:
        with engine_transaction():
            SyncState.objects.filter(company_id__in=list(card_ids), claim=token).update(
                claim="", claimed_until=None
            )


def release_all() -> int:
    """End every claim (a restored database holds those of the processes that were running
    when it was copied: none of them runs here); how many were held."""
    return SyncState.objects.exclude(claim="").update(claim="", claimed_until=None)
