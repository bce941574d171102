"""Cards as users create and edit them, with the add-on's reaction: a sync when it matters.

A card syncs when it is created, and when its CUI, its country or — while it has no CUI —
its name changes (DESIGN §5, When). The web, the API and the CLI call these, not
:mod:`firmsync.crm.services` directly, so the reaction is never forgotten.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from firmsync.crm.models import Account, Company
from firmsync.crm.services import create_company, update_company

__all__ = ["RELEVANT", "create_card", "update_card"]

RELEVANT = ("cui_input", "country")


def _default_request(card_id: int) -> bool:
    from firmsync.enrichment.tasks import request_sync

    return request_sync(card_id)


def create_card(
    account: Account, *, request: Callable[[int], bool] = _default_request, **fields: Any
) -> Company:
    card = create_company(account, **fields)
    if hasattr(account, "addon") and account.addon.active:
        request(card.pk)
    return card


def update_card(
    card: Company,
    changes: dict[str, Any],
    *,
    request: Callable[[int], bool] = _default_request,
) -> list[str]:
    changed = update_company(card, changes)
    relevant = set(changed) & set(RELEVANT) or ("name" in changed and not card.cui)
    if relevant and hasattr(card.account, "addon") and card.account.addon.active:
        request(card.pk)
    return changed
