"""Syncing the due cards now, in batches: ``firmsync sync run`` and the periodic refresh."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from firmsync.crm.errors import Invalid
from firmsync.crm.models import Account, Company
from firmsync.enrichment.services.sync import Engine, due_card_ids, sync_cards

__all__ = ["BATCH", "sync_due"]

BATCH = 100  # cards fetched together: one ANAF request
MAX_BATCH = 1_000


def sync_due(
    *,
    account: Account | None = None,
    batch: int = BATCH,
    engine: Engine | None = None,
    sources: tuple[str, ...] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Counter[str]:
    """Sync every due card (of ``account``, or of every active account) now, ``batch`` at a
    time; how many cards ended in each state (``busy``: synced by another run meanwhile, or
    held by one — each card is claimed, so overlapping runs never sync it twice).
    ``sources``: these, not the configured ones (the offline demo: the register alone).
    ``progress(done, total)`` after each batch."""
    if not 1 <= batch <= MAX_BATCH:
        raise Invalid("batch", f"must be 1 to {MAX_BATCH:,} cards, not {batch}")
    if engine is None:
        from firmsync.enrichment.engine import configured_engine

        # (the foreground: ANAF's answers are awaited)
        engine = configured_engine(wait=True, sources=sources)
    ids = due_card_ids(engine.now(), account_id=account.pk if account else None)
    states: Counter[str] = Counter()
    for start in range(0, len(ids), batch):
        cards = Company.objects.filter(pk__in=ids[start : start + batch]).order_by("pk")
        outcome = sync_cards(list(cards), engine, due_only=True)
        states.update(outcome.states.values())
        if outcome.busy:
            states["busy"] += len(outcome.busy)
        if progress is not None:
            progress(min(start + batch, len(ids)), len(ids))
    return states
