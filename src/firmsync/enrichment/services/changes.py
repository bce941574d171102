"""The cards an import of the register changed: made due, for the worker's sweep to sync.

An import records the companies whose facts it changed (``fact_change``, read through
:mod:`firmsync.registry.read`). The cards synced to one of them, in accounts with the add-on
on, become due at once; every other card keeps its refresh date. The register remembers the
last change whose cards were made due (meta ``cards:due_through``), so that the worker, which
asks every minute, also reaches the changes of an import run from the command line. One
node of the deployment does it at a time (a lease).
"""

from __future__ import annotations

import datetime
from collections import Counter
from typing import Any

from django.utils import timezone

from firmsync.enrichment.models import SyncState

__all__ = ["CURSOR", "cards_due_after_import"]

CURSOR = "cards:due_through"  # the register's meta key
BATCH = 500  # CUIs asked of the register at a time


def cards_due_after_import(
    since_id: int | None = None, *, now: datetime.datetime | None = None
) -> dict[str, Any]:
    """Make due the synced cards of active accounts whose company's facts changed after
    change ``since_id`` (default: the last one whose cards were made due), up to the
    newest. Returns ``cards`` (made due), ``by_kind`` (cards by kind of change) and
    ``changes`` (the register's companies by kind of change, cards or not); ``busy``
    when another node is at it (it leaves the changes after its own for the next call)."""
    from firmsync.enrichment.lease import CARDS_DUE, configured_lease, renewed

    if _span(since_id) is None:  # (the worker asks every minute: no lease for nothing)
        return {"cards": 0, "by_kind": {}, "changes": {}}
    lease = configured_lease(CARDS_DUE)
    if not lease.acquire():
        return {"cards": 0, "by_kind": {}, "changes": {}, "busy": True}
    with renewed(lease):
        return _made_due(since_id, now or timezone.now())


def _span(since_id: int | None) -> tuple[int, int, int] | None:
    """The changes still to make cards due for: ``(after, upto, through)`` (``through``:
    the register's cursor), or None when there are none."""
    from firmsync.enrichment.services.register import _store
    from firmsync.registry.read import fact_position

    store = _store()
    upto, through = fact_position(store), int(store.meta(CURSOR) or 0)
    after = through if since_id is None else since_id
    return (after, upto, through) if upto > after else None


def _made_due(since_id: int | None, when: datetime.datetime) -> dict[str, Any]:
    from firmsync.enrichment.services.register import _store
    from firmsync.registry.read import fact_counts, facts_changed

    span = _span(since_id)  # (again, under the lease: another node may have done them)
    if span is None:
        return {"cards": 0, "by_kind": {}, "changes": {}}
    after, upto, through = span
    store = _store()
    synced = SyncState.objects.filter(
        state=SyncState.State.SYNCED, company__account__addon__active=True
    ).exclude(cui="")
    cuis = sorted(set(synced.values_list("cui", flat=True)))
    made, by_kind = 0, Counter[str]()
    for start in range(0, len(cuis), BATCH):
        changed = facts_changed(store, cuis[start : start + BATCH], after, upto)
        if not changed:
            continue
        cards = synced.filter(cui__in=list(changed))
        for cui in cards.values_list("cui", flat=True):
            by_kind.update(changed[cui])
        made += cards.update(next_due_at=when)
    if upto > through:
        with store.transaction():
            store.set_meta(CURSOR, str(upto))
    return {
        "cards": made,
        "by_kind": dict(sorted(by_kind.items())),
        "changes": fact_counts(store, after, upto),
    }
