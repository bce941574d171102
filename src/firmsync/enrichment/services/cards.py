"""Cards as users create and edit them, with the add-on's reaction: a sync when it matters.

A card syncs when it is created, and when its CUI, its country or — while it has no CUI —
its name changes (DESIGN §5, When). The web, the API and the CLI call these, not
:mod:`firmsync.crm.services` directly, so the reaction is never forgotten.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from firmsync.crm.errors import Invalid
from firmsync.crm.models import Account, Company
from firmsync.crm.services import canonical_cui, create_company, delete_company, update_company
from firmsync.enrichment.models import AddonSettings, SyncState
from firmsync.identity import cui as cui_id

__all__ = ["RELEVANT", "create_card", "delete_card", "link_card", "update_card"]

RELEVANT = ("cui_input", "country")
Request = Callable[[int], bool]


def _default_request(card_id: int) -> bool:
    from firmsync.enrichment.tasks import request_sync

    return request_sync(card_id)


def _active(account_id: int) -> bool:
    return AddonSettings.objects.filter(account_id=account_id, active=True).exists()


def create_card(account: Account, *, request: Request = _default_request, **fields: Any) -> Company:
    """A new card; with the add-on on, its sync is queued at once."""
    card = create_company(account, **fields)
    if _active(account.pk):
        request(card.pk)
    return card


def update_card(
    card: Company, changes: dict[str, Any], *, request: Request = _default_request
) -> list[str]:
    """A user's edit (locked fields refused); a relevant change queues a sync."""
    changed = update_company(card, changes)
    relevant = set(changed) & set(RELEVANT) or ("name" in changed and not card.cui)
    if relevant and _active(card.account_id):
        request(card.pk)
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
    update_company(card, {"cui_input": canonical})
    SyncState.objects.filter(company=card).update(
        method=SyncState.Method.PICKED, state=SyncState.State.PENDING
    )
    if _active(card.account_id):
        request(card.pk)
