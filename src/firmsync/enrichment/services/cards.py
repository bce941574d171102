"""Cards as users create and edit them, with the add-on's reaction: a sync when it matters.

A card syncs when it is created, and when its CUI, its country or — while it has no CUI —
its name changes (DESIGN §5, When). The web, the API and the CLI call these, not
:mod:`firmsync.crm.services` directly, so the reaction is never forgotten.

The sync is recorded in the database with the change that causes it (the card is pending:
due), and queued once that commits. A queue out of reach costs nothing but time: the
request is logged in one line, and the worker's sweep syncs the card when it runs.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from firmsync.crm.errors import Conflict, Invalid
from firmsync.crm.models import Account, Company
from firmsync.crm.services import canonical_cui, create_company, delete_company, update_company
from firmsync.enrichment.models import AddonSettings, SyncState
from firmsync.identity import cui as cui_id

__all__ = [
    "BULK_LIMIT",
    "RELEVANT",
    "AddonInactive",
    "Row",
    "create_card",
    "create_cards",
    "delete_card",
    "link_card",
    "reject_candidates",
    "request_card_sync",
    "update_card",
]

log = logging.getLogger(__name__)
RELEVANT = ("cui_input", "country")
BULK_LIMIT = 1000  # cards a bulk creation takes at once
Request = Callable[[int], bool]
RequestMany = Callable[[list[int]], None]


def _default_request(card_id: int) -> bool:
    from firmsync.enrichment.tasks import request_sync

    return request_sync(card_id)


def _default_request_many(card_ids: list[int]) -> None:
    from firmsync.enrichment.tasks import request_syncs

    request_syncs(card_ids)


def _active(account_id: int) -> bool:
    return AddonSettings.objects.filter(account_id=account_id, active=True).exists()


def _record_sync(card_id: int) -> None:
    """The card is due for a sync from now (a card never synced is due already); its state
    shows what it was until the sync says otherwise."""
    SyncState.objects.filter(company_id=card_id).update(next_due_at=timezone.now())


def _queue(request: Callable[..., Any], payload: Any) -> Any:
    """Queue recorded work; if the queue cannot be reached, say so in one line and go on:
    the work is in the database, and the sweep does it."""
    try:
        return request(payload)
    except Exception as error:  # whatever the queue's client raises (Redis, SQLite)
        log.warning(
            "a sync is recorded but could not be queued (%s); the worker's sweep does it",
            error.__class__.__name__,
        )
        return False


def _queue_on_commit(request: Request, card_id: int) -> None:
    transaction.on_commit(lambda: _queue(request, card_id))


def create_card(account: Account, *, request: Request = _default_request, **fields: Any) -> Company:
    """A new card; with the add-on on, its sync is queued once it is saved."""
    with transaction.atomic():
        card = create_company(account, **fields)
        if _active(account.pk):
            _queue_on_commit(request, card.pk)
    return card


def update_card(
    card: Company, changes: dict[str, Any], *, request: Request = _default_request
) -> list[str]:
    """A user's edit (locked fields refused); a relevant change makes the card due and
    queues its sync."""
    with transaction.atomic():
        changed = update_company(card, changes)
        relevant = set(changed) & set(RELEVANT) or ("name" in changed and not card.cui)
        if relevant and _active(card.account_id):
            _record_sync(card.pk)
            _queue_on_commit(request, card.pk)
    return changed


def delete_card(card: Company) -> None:
    """The card goes, with the add-on's records of it; its usage stays on the bill."""
    delete_company(card)


def link_card(card: Company, cui: str, *, request: Request = _default_request) -> None:
    """The user picks one of a card in review's candidates: the card syncs to that company."""
    canonical = canonical_cui(cui)
    if canonical is None:
        raise Invalid("cui", f"{cui_id.shown(cui)!r} is not a valid CUI")
    state = SyncState.objects.filter(company=card).first()
    offered = {str(c.get("cui")) for c in (state.candidates if state else [])}
    if canonical not in offered:
        raise Invalid("cui", f"{canonical} is not one of the card's candidates")
    with transaction.atomic():
        update_company(card, {"cui_input": canonical})
        SyncState.objects.filter(company=card).update(
            method=SyncState.Method.PICKED, state=SyncState.State.PENDING
        )
        if _active(card.account_id):
            _queue_on_commit(request, card.pk)


def reject_candidates(card: Company, *, request: Request = _default_request) -> None:
    """The user's "none of these" on a card in review: the card stops being matched by name
    — its CUI box gets ``x``, the user's opt-out (DESIGN §5) — until they type its CUI."""
    state = SyncState.objects.filter(company=card).first()
    if state is None or state.state != SyncState.State.REVIEW:
        raise Invalid("cui", "the card is not waiting for a choice of company")
    update_card(card, {"cui_input": "x"}, request=request)


@dataclass(frozen=True)
class Row:
    """What became of one row of a bulk creation: its card, or why it was refused."""

    index: int
    card: Company | None
    error: Invalid | None


def create_cards(
    account: Account,
    rows: Sequence[dict[str, Any]],
    *,
    request_many: RequestMany = _default_request_many,
) -> list[Row]:
    """Many new cards at once (another CRM onboarding its clients): each row is created or
    refused on its own (a CUI with a wrong check digit: that row is ``invalid``), all in one
    transaction; with the add-on on, the new cards' syncs are queued in batches once it
    commits, as the backfill queues them."""
    if len(rows) > BULK_LIMIT:
        raise Invalid("companies", f"at most {BULK_LIMIT:,} cards a call, not {len(rows):,}")
    results = []
    with transaction.atomic():
        for index, fields in enumerate(rows):
            try:
                with transaction.atomic():  # (a savepoint: a refused row leaves no trace)
                    card = create_company(account, **fields)
            except Invalid as error:
                results.append(Row(index, None, error))
                continue
            results.append(Row(index, card, None))
        created = [row.card.pk for row in results if row.card is not None]
        if created and _active(account.pk):
            transaction.on_commit(lambda: _queue(request_many, created))
    return results


class AddonInactive(Conflict):
    """The add-on is off for the account: nothing syncs."""

    code = "addon_inactive"


def request_card_sync(card: Company, *, request: Request = _default_request) -> bool:
    """The user's "sync now": the card's sync is queued (whether a new job was queued: one may be
    waiting already). Refused while the add-on is off for the card's account."""
    if not _active(card.account_id):
        raise AddonInactive(f"the add-on is not active for account {card.account.name!r}")
    _record_sync(card.pk)
    return bool(_queue(request, card.pk))
