"""Background jobs (Huey): a card's sync, the backfill after activation, the sweep of due
cards, the register's daily update from the data portal. Each only calls the services; the
rules are there.

The queue only carries work the database already records: a card to sync is due there
(never synced, pending, or its refresh date come) from the transaction that made it so.
A job syncs its cards if they are still due, under a claim (so no card is synced twice);
the sweep, every minute, syncs whatever is due and no job took — work whose job was lost
to a queue outage or a killed worker included.

At most one sync of a card waits in the queue: a marker in the queue's storage is set when
it is queued and cleared when it starts, so the edits of a busy user do not pile up jobs.
"""

from __future__ import annotations

import logging

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task

from firmsync.crm.errors import ServiceError
from firmsync.crm.models import Company
from firmsync.enrichment.engine import configured_engine
from firmsync.enrichment.models import AddonSettings, SyncState
from firmsync.enrichment.services.changes import cards_due_after_import
from firmsync.enrichment.services.refresh import BATCH, sync_due
from firmsync.enrichment.services.sync import due_card_ids, sync_cards
from firmsync.enrichment.services.update import register_update_daily
from firmsync.enrichment.services.usage import close_months
from firmsync.enrichment.services.webhooks import webhook_deliver

__all__ = [
    "BATCH",
    "backfill",
    "close_statements",
    "deliver_webhook",
    "refresh_due",
    "register_update",
    "request_sync",
    "request_syncs",
    "sync_batch",
    "sync_card",
    "sync_new",
]

log = logging.getLogger(__name__)


def _marker(card_id: int) -> str:
    return f"firmsync:sync-queued:{card_id}"


def request_sync(card_id: int) -> bool:
    """Queue a sync of the card unless one is waiting already; whether one was queued."""
    if not HUEY.put_if_empty(_marker(card_id), "1"):
        return False
    try:
        sync_card(card_id)
    except Exception:  # not queued: a marker left behind would stop every later request
        HUEY.delete(_marker(card_id))
        raise
    return True


def request_syncs(card_ids: list[int]) -> None:
    """Queue the syncs of many cards (a bulk creation, the cards an ANAF answer was awaited
    for), one job a batch of 100 (one ANAF request), so that the workers share them."""
    for start in range(0, len(card_ids), BATCH):
        sync_new(card_ids[start : start + BATCH])


def _sync(card_ids: list[int]) -> None:
    """The cards still due, in one batch (one sync_cards: one ANAF request for all of
    them)."""
    cards = Company.objects.filter(pk__in=card_ids).order_by("pk")
    outcome = sync_cards(list(cards), configured_engine(), due_only=True)
    log.info(
        "job: %d synced of %d cards (%d held by another run)",
        outcome.count(SyncState.State.SYNCED),
        len(card_ids),
        len(outcome.busy),
    )


@db_task(retries=3, retry_delay=60)
def sync_card(card_id: int) -> None:
    HUEY.delete(_marker(card_id))
    _sync([card_id])


@db_task(retries=3, retry_delay=60)
def sync_new(card_ids: list[int]) -> None:
    """A batch of cards (see :func:`request_syncs`)."""
    _sync(card_ids)


@db_task()
def backfill(account_id: int) -> None:
    """Every card of a newly activated account, in batches of 100 queued as jobs of their
    own, so that the workers (``firmsync worker``: one a core) sync them side by side. Its
    progress is counted from the cards' states (``backfill_progress``), so cards synced by
    the sweep or by another job count as well."""
    ids = due_card_ids(timezone.now(), account_id=account_id)
    AddonSettings.objects.filter(account_id=account_id).update(backfill_total=len(ids))
    for start in range(0, len(ids), BATCH):
        sync_batch(ids[start : start + BATCH], account_id)


@db_task(retries=3, retry_delay=60)
def sync_batch(card_ids: list[int], account_id: int) -> None:
    """One batch of a backfill (a failed one is tried again; the sweep syncs what is left).
    ``account_id`` is no longer used (the progress is counted from the cards): it stays so
    that the batches an earlier version queued still run."""
    _sync(card_ids)


@db_task()
def deliver_webhook(delivery_id: int) -> None:
    """One attempt at a webhook delivery; a failed one is scheduled again after the
    service's backoff (5 s, 20 s, 80 s …), so a slow receiver holds no worker meanwhile."""
    delay = webhook_deliver(delivery_id)
    if delay is not None:
        deliver_webhook.schedule((delivery_id,), delay=delay)


@db_periodic_task(crontab(minute="*"))
def refresh_due() -> None:
    """The sweep: cards whose refresh is due (each at its own phase of the interval), retries,
    and any due card no job took. Cards a job or another sweep holds are left to it."""
    states = sync_due(engine=configured_engine())
    if states:
        log.info(
            "sweep: %d synced of %d due cards (%d held by another run)",
            states[SyncState.State.SYNCED],
            states.total(),
            states["busy"],
        )


@db_periodic_task(crontab(minute="5"))
def close_statements() -> None:
    """Every hour: the months that are over get their prices frozen into their statements."""
    close_months(timezone.now())


@db_periodic_task(crontab(minute="*"))
def register_update() -> None:
    """Every minute the daily update is asked whether it is due (``FIRMSYNC_REGISTER_UPDATE``,
    one node of the deployment at a time); a refusal (the portal out of reach, a bad
    setting) is one line in the log, and the service says when it tries again. Then the
    cards whose companies' facts an import changed (this update's, or one run from the
    command line) are made due, for the sweep to sync."""
    try:
        result = register_update_daily(now=timezone.now())
    except ServiceError as error:
        log.warning("register update: %s", error)
    else:
        if result is not None:
            brought = ", ".join(f.label for f in result.plan.fetch) or "nothing newer"
            log.info("register update: %s (register at %s)", brought, result.snapshot)
    due = cards_due_after_import()
    if due["cards"]:
        kinds = ", ".join(f"{kind} {count}" for kind, count in due["by_kind"].items())
        log.info("register changes: %d cards due (%s)", due["cards"], kinds)
