"""The sync: resolve → fetch → apply → meter, for one card or a batch of them.

A batch is resolved card by card, fetched in one lookup (so ANAF gets 100 CUIs a request),
then applied card by card, each in its own transaction. A source that fails leaves the
card as it was (or, if another source answered, gives it that source's values, marked as
owing the failed one), costs no quota, and the card is due again soon.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from firmsync.crm.models import Company
from firmsync.enrichment import rows
from firmsync.enrichment.models import AddonSettings, CardHistory, SyncState
from firmsync.enrichment.services.apply import Plan, apply, plan, remove_provider_data
from firmsync.enrichment.services.resolve import NameMatcher, Resolution, resolve
from firmsync.enrichment.services.usage import Prices, cap_reached, meter
from firmsync.sources.errors import Deferred
from firmsync.sources.lookup import Looked, Providers, lookup

__all__ = ["Engine", "Outcome", "due_card_ids", "due_cards", "next_due", "sync_cards"]

State = SyncState.State
RETRY_AFTER = datetime.timedelta(minutes=15)  # a card whose source failed is due again
FILL_YEARS = 1  # balance sheets asked of ANAF: the newest filing year, if the register lacks it
_PHI = (math.sqrt(5) - 1) / 2
_EPOCH = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
_SAVED = (  # what a sync writes of a card's state, in plain SQL (firmsync.enrichment.rows)
    "company",
    "state",
    "cui",
    "method",
    "probability",
    "candidates",
    "owed_sources",
    "last_synced_at",
    "next_due_at",
    "last_error",
)
_STATE = rows.Table(SyncState, *_SAVED)
_STATE_FIELDS = [SyncState._meta.get_field(name) for name in _SAVED[1:]]


@dataclass
class Engine:
    """What a sync needs: the sources, which of them to ask, the name matcher, the clock."""

    providers: Providers
    source: str = "all"  # as firmsync.sources.lookup.lookup takes it
    matcher: NameMatcher | None = None
    now: Callable[[], datetime.datetime] = timezone.now


@dataclass
class Outcome:
    states: dict[int, str] = field(default_factory=dict)  # card id → state
    fetched: int = 0  # CUIs asked of the sources
    metered: int = 0  # companies newly counted this month

    def count(self, state: str) -> int:
        return sum(1 for s in self.states.values() if s == state)


def next_due(card_id: int, refresh_days: int, after: datetime.datetime) -> datetime.datetime:
    """The card's next refresh: every ``refresh_days``, each card at its own phase of the
    interval (the golden ratio spreads the phases evenly), so the cards synced together at
    activation do not come due together; never more than ``refresh_days`` away."""
    interval = datetime.timedelta(days=refresh_days)
    phase = interval * ((card_id * _PHI) % 1)
    cycles = math.floor((after - _EPOCH - phase) / interval) + 1
    return _EPOCH + phase + cycles * interval


def _state(card: Company) -> SyncState:
    state, _ = SyncState.objects.get_or_create(company=card)
    return state


def _settle(card: Company, resolution: Resolution) -> str:
    """A card that will not be fetched: record why (and honour an opt-out)."""
    state = _state(card)
    if resolution.state == State.STOPPED and (card.locked_fields or state.cui):
        remove_provider_data(card)
        state.cui = ""
    state.state = resolution.state
    state.method = resolution.method
    state.probability = resolution.probability
    state.candidates = resolution.candidates
    state.next_due_at = None
    state.save()
    return resolution.state


def _link(card: Company, cui: str) -> None:
    """A name matched for certain: its CUI goes into the card, which then syncs by CUI."""
    with transaction.atomic():
        fresh = Company.objects.select_for_update().get(pk=card.pk)
        if fresh.cui_input.strip():
            return  # the user typed one meanwhile: theirs wins
        CardHistory.objects.create(
            company=fresh, actor="addon", changes={"cui_input": [fresh.cui_input, cui]}
        )
        fresh.cui_input, fresh.cui = cui, cui
        fresh.save(update_fields=["cui_input", "cui", "updated_at"])
    card.cui_input, card.cui = cui, cui


def sync_cards(cards: Iterable[Company], engine: Engine) -> Outcome:
    """Sync each card of an active account (others are skipped)."""
    outcome = Outcome()
    now = engine.now()
    wanted: dict[int, tuple[Company, Resolution]] = {}
    settings: dict[int, AddonSettings | None] = {}  # account → its add-on settings
    batch: dict[int, set[str]] = {}  # account → CUIs let through in this batch
    prices = Prices.configured()
    for card in cards:
        addon = settings.get(card.account_id)
        if addon is None:
            addon = settings[card.account_id] = AddonSettings.objects.filter(
                account_id=card.account_id
            ).first()
        if addon is None or not addon.active:
            continue
        resolution = resolve(card, engine.matcher)
        if resolution.state != State.PENDING:
            outcome.states[card.pk] = _settle(card, resolution)
            continue
        assert resolution.cui is not None
        if resolution.method == SyncState.Method.NAME:
            _link(card, resolution.cui)
        admitted = batch.setdefault(card.account_id, set())
        if cap_reached(addon, prices, resolution.cui, now, admitted):
            state = _state(card)
            state.state = State.QUOTA_PAUSED
            state.save(update_fields=["state"])
            outcome.states[card.pk] = State.QUOTA_PAUSED
            continue
        admitted.add(resolution.cui)
        wanted[card.pk] = (card, resolution)
    cuis = list(dict.fromkeys(r.cui for _, r in wanted.values() if r.cui))
    outcome.fetched = len(cuis)
    looked = {
        one.cui: one
        for one in lookup(
            cuis, engine.source, engine.providers, today=now.date(), fill_years=FILL_YEARS
        )
    }
    states = _states(list(wanted))
    waiting: dict[int, str] = {}  # card → the CUI whose ANAF answer it waits for
    for card, resolution in wanted.values():
        assert resolution.cui is not None
        one = looked[resolution.cui]
        if isinstance(one.error, Deferred):  # asked of ANAF's fetcher: synced when answered
            waiting[card.pk] = resolution.cui
            outcome.states[card.pk] = _defer(card, states.get(card.pk), now)
            continue
        addon = settings[card.account_id]
        assert addon is not None
        # (worked out before the transaction: the time the card is locked goes to the database)
        planned = plan(one.facts) if one.facts is not None else None
        due = next_due(card.pk, addon.refresh_days, now)
        state = states.get(card.pk) or _new_state()
        with transaction.atomic(), rows.cursor() as cursor:  # the card's sync, or none of it
            outcome.metered += _record(
                cursor, card, resolution, one, planned, state, due, prices, now
            )
        outcome.states[card.pk] = state["state"]
    if waiting:
        from firmsync.enrichment.fetcher import wait_for

        wait_for(waiting)
    return outcome


def _defer(card: Company, state: dict[str, Any] | None, now: datetime.datetime) -> str:
    """A card whose ANAF answer is not in yet stays as it is, ``pending``, costing nothing;
    the fetcher queues its sync when the answer comes (and the refresh looks again later)."""
    SyncState.objects.update_or_create(
        company=card,
        defaults={"state": State.PENDING, "next_due_at": now + RETRY_AFTER},
    )
    return State.PENDING


def _new_state() -> dict[str, Any]:
    """A card's state before its first sync, as a row."""
    return {field.name: field.get_default() for field in _STATE_FIELDS}


def _states(card_ids: list[int]) -> dict[int, dict[str, Any]]:
    """The cards' sync states, as rows (card id → field → value)."""
    if not card_ids:
        return {}
    marks = ", ".join(["%s"] * len(card_ids))
    with rows.cursor() as cursor:
        found = _STATE.select(cursor, f"company_id IN ({marks})", card_ids)
    return {state["company"]: state for state in found}


def _record(
    cursor: rows.Cursor,
    card: Company,
    resolution: Resolution,
    one: Looked,
    planned: Plan | None,
    state: dict[str, Any],
    due: datetime.datetime,
    prices: Prices,
    now: datetime.datetime,
) -> bool:
    """Apply what the sources said of one card, meter it, and record its ``state`` (the
    row, changed in place); whether the company was newly counted this month."""
    cui = resolution.cui
    assert cui is not None
    offered = {str(c.get("cui")) for c in state["candidates"]}
    if not (state["method"] == SyncState.Method.PICKED and cui in offered):
        # (a user's pick stays a pick, with the candidates it was picked from)
        state["method"] = resolution.method
        state["probability"] = resolution.probability
        state["candidates"] = resolution.candidates
    answered = one.facts is not None or one.error is None  # facts, or known to no source
    if answered and state["cui"] and state["cui"] != cui:
        remove_provider_data(card)  # relinked: the other company's data goes first
        state["cui"] = ""
    if planned is not None:
        apply(card, planned, now, cursor)
        state["cui"], state["last_synced_at"] = cui, now
    metered = False
    if one.error is not None:  # a source failed: due again soon, owing it
        state["state"], state["last_error"] = State.ERROR, str(one.error)
        state["owed_sources"] = [one.error.source]
        state["next_due_at"] = now + RETRY_AFTER
    elif planned is None:
        state["state"], state["next_due_at"] = State.NOT_FOUND, due
    else:
        metered = meter(card, prices, cui, now, cursor)
        state["state"], state["last_error"], state["owed_sources"] = State.SYNCED, "", []
        state["next_due_at"] = due
    _STATE.upsert(cursor, [card.pk, *(state[name] for name in _SAVED[1:])], keys=["company"])
    return metered


def _due(now: datetime.datetime, account_id: int | None) -> list[QuerySet[Company]]:
    """Cards of active accounts that should sync now: never synced, then due."""
    cards = Company.objects.filter(account__addon__active=True)
    if account_id is not None:
        cards = cards.filter(account_id=account_id)
    never = cards.filter(sync__isnull=True)
    due = cards.filter(sync__next_due_at__lte=now) | cards.filter(
        sync__state__in=[State.PENDING, State.QUOTA_PAUSED]
    )
    return [never.order_by("pk"), due.distinct().order_by("pk")]


def due_cards(now: datetime.datetime, *, account_id: int | None = None) -> list[Company]:
    """Cards of active accounts that should sync now: never synced, or due."""
    return [card for cards in _due(now, account_id) for card in cards]


def due_card_ids(now: datetime.datetime, *, account_id: int | None = None) -> list[int]:
    """The ids of :func:`due_cards` (a backfill queues ids: it need not load the cards)."""
    return [pk for cards in _due(now, account_id) for pk in cards.values_list("pk", flat=True)]
