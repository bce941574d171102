"""The sync: resolve → fetch → apply → meter, for a batch of cards (one card is a batch of
one).

A batch is resolved card by card, fetched in one lookup (so ANAF gets 100 CUIs a request),
each card's outcome and plan worked out, then written in one transaction with its cards
locked: read and written a table at a time, through the ORM's set statements. A source that
fails leaves the card as it was (or, if another source answered, gives it that source's
values, marked as owing the failed one), costs no quota, and the card is due again soon.
"""

from __future__ import annotations

import datetime
import logging
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import DatabaseError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from firmsync.crm.models import Company
from firmsync.enrichment.models import AddonSettings, CardHistory, SyncState
from firmsync.enrichment.services.apply import Plan, apply, plan, remove_provider_data
from firmsync.enrichment.services.claims import DUE_STATES, claim, release
from firmsync.enrichment.services.commits import engine_transaction
from firmsync.enrichment.services.resolve import NameMatcher, Resolution, resolve
from firmsync.enrichment.services.statistics import refresh_statistics
from firmsync.enrichment.services.usage import Prices, admitted, meter
from firmsync.enrichment.services.webhooks import emit
from firmsync.sources.errors import Deferred, SourceError
from firmsync.sources.lookup import Looked, Providers, lookup

__all__ = ["Engine", "Outcome", "due_card_ids", "due_cards", "next_due", "sync_cards"]

State = SyncState.State
RETRY_AFTER = datetime.timedelta(minutes=15)  # a card whose source failed is due again
FILL_YEARS = 1  # balance sheets asked of ANAF: the newest filing year, if the register lacks it
_PHI = (math.sqrt(5) - 1) / 2
_SOONEST = 0.1  # of the interval: the soonest a card is refreshed after its sync
_EPOCH = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
_SAVED = [  # what a sync writes of a card's state
    "state",
    "cui",
    "method",
    "probability",
    "candidates",
    "owed_sources",
    "last_synced_at",
    "next_due_at",
    "last_error",
]
log = logging.getLogger(__name__)


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
    moved: list[int] = field(default_factory=list)  # changed by a user meanwhile: again
    busy: list[int] = field(default_factory=list)  # claimed by another run: left to it

    def count(self, state: str) -> int:
        return sum(1 for s in self.states.values() if s == state)


def next_due(card_id: int, refresh_days: int, after: datetime.datetime) -> datetime.datetime:
    """The card's next refresh: every ``refresh_days``, each card at its own phase of the
    interval (the golden ratio spreads the phases evenly), so the cards synced together at
    activation do not come due together; never more than ``refresh_days`` away, and never
    less than a tenth of it (a card whose phase comes sooner is put off by that tenth —
    still spread — rather than synced again minutes after its sync; its next sync finds its
    phase again)."""
    interval = datetime.timedelta(days=refresh_days)
    phase = interval * ((card_id * _PHI) % 1)
    cycles = math.floor((after - _EPOCH - phase) / interval) + 1
    due = _EPOCH + phase + cycles * interval
    return due + interval * _SOONEST if due - after < interval * _SOONEST else due


def _state(card: Company) -> SyncState:
    state, _ = SyncState.objects.get_or_create(company=card)
    return state


def _settle(card: Company, resolution: Resolution) -> str:
    """A card that will not be fetched: record why (and honour an opt-out)."""
    state = _state(card)
    if resolution.state == State.STOPPED and (card.locked_fields or state.cui):
        remove_provider_data(card)
        state.cui = ""
    if resolution.state == State.REVIEW and state.state != State.REVIEW:
        data = {"company_id": card.pk, "name": card.name, "candidates": resolution.candidates}
        emit([(card.account_id, "company.review_needed", data)])
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


def sync_cards(cards: Iterable[Company], engine: Engine, *, due_only: bool = False) -> Outcome:
    """Sync each card of an active account (others are skipped), as one batch: claimed
    (:mod:`.claims`: a card another run holds is left to it, in ``busy``), resolved card by
    card, looked up in one lookup, each card's outcome and plan worked out, then written in
    one transaction (:func:`_write`). ``due_only``: only the cards still due when claimed
    (the work that syncs due cards, whose list may be older than another run's sync)."""
    outcome = Outcome()
    settings: dict[int, AddonSettings | None] = {}  # account → its add-on settings
    active: dict[int, Company] = {}
    for card in cards:
        if card.account_id not in settings:
            settings[card.account_id] = AddonSettings.objects.filter(
                account_id=card.account_id
            ).first()
        addon = settings[card.account_id]
        if addon is not None and addon.active:
            active.setdefault(card.pk, card)
    token, held = claim(active, due_at=engine.now() if due_only else None)
    outcome.busy = [pk for pk in active if pk not in held]
    waiting: dict[int, str] = {}  # card → the CUI whose ANAF answer it waits for
    try:
        _sync_held([active[pk] for pk in active if pk in held], engine, settings, outcome, waiting)
    finally:
        release(token, held)
    refresh_statistics()
    if outcome.moved:
        _again(outcome.moved)
    if waiting:
        from firmsync.enrichment.fetcher import wait_for

        wait_for(waiting)
    return outcome


def _sync_held(
    cards: list[Company],
    engine: Engine,
    settings: dict[int, AddonSettings | None],
    outcome: Outcome,
    waiting: dict[int, str],
) -> None:
    """The claimed cards' sync: resolve, look up, decide, write."""
    now = engine.now()
    prices = Prices.configured()
    pending: dict[int, tuple[Company, Resolution]] = {}
    for card in cards:
        resolution = resolve(card, engine.matcher)
        if resolution.state != State.PENDING:
            outcome.states[card.pk] = _settle(card, resolution)
            continue
        assert resolution.cui is not None
        if resolution.method == SyncState.Method.NAME:
            _link(card, resolution.cui)
        pending[card.pk] = (card, resolution)
    wanted = _within_cap(pending, settings, prices, now, outcome)
    looked = _look_up(wanted, engine, now, outcome)
    decided = []
    for card, resolution in wanted:
        assert resolution.cui is not None
        one = looked[resolution.cui]
        if isinstance(one.error, Deferred):  # asked of ANAF's fetcher: synced when answered
            waiting[card.pk] = resolution.cui
            outcome.states[card.pk] = _defer(card, now)
            continue
        addon = settings[card.account_id]
        assert addon is not None
        due = next_due(card.pk, addon.refresh_days, now)
        decided.append(_decide(card, resolution, one, due, now))
    if decided:
        _write(decided, prices, now, outcome)


def _again(card_ids: list[int]) -> None:
    """A sync of each card the user changed while it was synced, by what it holds now."""
    from firmsync.enrichment.tasks import request_sync

    for card_id in card_ids:
        request_sync(card_id)


def _defer(card: Company, now: datetime.datetime) -> str:
    """A card whose ANAF answer is not in yet stays as it is, ``pending``, costing nothing;
    the fetcher queues its sync when the answer comes (and the refresh looks again later)."""
    SyncState.objects.update_or_create(
        company=card,
        defaults={"state": State.PENDING, "next_due_at": now + RETRY_AFTER},
    )
    return State.PENDING


def _within_cap(
    pending: dict[int, tuple[Company, Resolution]],
    settings: dict[int, AddonSettings | None],
    prices: Prices,
    now: datetime.datetime,
    outcome: Outcome,
) -> list[tuple[Company, Resolution]]:
    """The cards whose companies may be fetched; the others wait as ``quota_paused``."""
    by_account: dict[int, list[str]] = {}
    for card, resolution in pending.values():
        assert resolution.cui is not None
        by_account.setdefault(card.account_id, []).append(resolution.cui)
    let: dict[int, set[str]] = {}
    for account, cuis in by_account.items():
        addon = settings[account]
        assert addon is not None
        let[account] = admitted(addon, prices, cuis, now)
    wanted = []
    for card, resolution in pending.values():
        if resolution.cui in let[card.account_id]:
            wanted.append((card, resolution))
            continue
        state = _state(card)
        state.state = State.QUOTA_PAUSED
        state.save(update_fields=["state"])
        outcome.states[card.pk] = State.QUOTA_PAUSED
    return wanted


def _look_up(
    wanted: list[tuple[Company, Resolution]],
    engine: Engine,
    now: datetime.datetime,
    outcome: Outcome,
) -> dict[str, Looked]:
    """What the sources say of the batch's companies: one lookup for all of them."""
    cuis = list(dict.fromkeys(r.cui for _, r in wanted if r.cui))
    outcome.fetched = len(cuis)
    found = lookup(cuis, engine.source, engine.providers, today=now.date(), fill_years=FILL_YEARS)
    return {one.cui: one for one in found}


@dataclass(frozen=True)
class Decision:
    """What becomes of one card, decided from what the sources said (outside the
    transaction: the time the cards are locked goes to the database)."""

    card: Company
    resolution: Resolution
    state: str  # synced, not_found or error
    plan: Plan | None  # facts to write: complete, or those of the sources that answered
    error: SourceError | None
    relink: bool  # the sources answered: a card synced to another company loses its data
    due: datetime.datetime


def _decide(
    card: Company,
    resolution: Resolution,
    one: Looked,
    due: datetime.datetime,
    now: datetime.datetime,
) -> Decision:
    """A card's outcome from its lookup: facts, not found, or a source's error (with the
    facts of the sources that answered, if any) — due again soon, owing that source."""
    planned = plan(one.facts) if one.facts is not None else None
    relink = one.facts is not None or one.error is None
    if one.error is not None:
        return Decision(
            card, resolution, State.ERROR, planned, one.error, relink, now + RETRY_AFTER
        )
    if planned is None:
        return Decision(card, resolution, State.NOT_FOUND, None, None, relink, due)
    return Decision(card, resolution, State.SYNCED, planned, None, relink, due)


def _write(
    decided: list[Decision], prices: Prices, now: datetime.datetime, outcome: Outcome
) -> None:
    """The batch's writes, in one transaction. If it fails (say a user's address added
    meanwhile breaks a constraint of one card's), its cards are written again one by one,
    each in its own transaction, so a card that cannot be written loses only its own sync:
    logged, recorded as an error, and due again soon."""
    try:
        with engine_transaction():
            states, metered = _record(decided, prices, now, outcome.moved)
    except DatabaseError:
        if len(decided) > 1:
            log.warning("a batch of %d cards failed: written one by one", len(decided))
            for one in decided:
                _write([one], prices, now, outcome)
            return
        card = decided[0].card
        log.exception("card %d: its sync could not be written", card.pk)
        _failed(card, now)
        states, metered = {card.pk: State.ERROR}, 0
    outcome.states.update(states)
    outcome.metered += metered


def _failed(card: Company, now: datetime.datetime) -> None:
    """A card whose sync could not be written: left as it was, due again soon."""
    state = _state(card)
    state.state, state.last_error = State.ERROR, "the card could not be written"
    state.next_due_at = now + RETRY_AFTER
    state.save(update_fields=["state", "last_error", "next_due_at"])


def _moved(seen: Company, now: Company) -> bool:
    """Whether the user changed what the sync resolved the card by (its CUI, its country,
    or — without a CUI — its name) after the sync read it."""
    if (seen.cui_input, seen.country) != (now.cui_input, now.country):
        return True
    return not now.cui_input.strip() and seen.name != now.name


def _record(
    decided: list[Decision], prices: Prices, now: datetime.datetime, moved: list[int]
) -> tuple[dict[int, str], int]:
    """Apply, meter and record the decided cards, locked and loaded under the lock; their
    states and how many companies were newly counted. In the caller's transaction. A card
    the user changed meanwhile (:func:`_moved`) is left as it is and added to ``moved``:
    what was fetched is another company's, or no longer the one the user means."""
    ids = [d.card.pk for d in decided]
    locked = Company.objects.select_for_update().filter(pk__in=ids).order_by("pk")
    cards = {card.pk: card for card in locked}  # (a card deleted meanwhile is not synced)
    kept = {s.company_id: s for s in SyncState.objects.filter(company_id__in=ids)}
    was = {pk: state.state for pk, state in kept.items()}
    states: dict[int, SyncState] = {}
    plans: dict[int, Plan] = {}
    synced: list[tuple[Company, str]] = []
    for one in decided:
        card = cards.get(one.card.pk)
        if card is None:
            continue
        if _moved(one.card, card):
            moved.append(card.pk)
            continue
        cui = one.resolution.cui
        assert cui is not None
        state = states[card.pk] = kept.get(card.pk) or SyncState(company_id=card.pk)
        offered = {str(c.get("cui")) for c in state.candidates}
        if not (state.method == SyncState.Method.PICKED and cui in offered):
            # (a user's pick stays a pick, with the candidates it was picked from)
            state.method = one.resolution.method
            state.probability = one.resolution.probability
            state.candidates = one.resolution.candidates
        if one.relink and state.cui and state.cui != cui:
            remove_provider_data(card)  # relinked: the other company's data goes first
            state.cui = ""
        if one.plan is not None:
            plans[card.pk] = one.plan
            state.cui, state.last_synced_at = cui, now
        state.state, state.next_due_at = one.state, one.due
        if one.error is not None:
            state.last_error, state.owed_sources = str(one.error), [one.error.source]
        elif one.state == State.SYNCED:
            state.last_error, state.owed_sources = "", []
            synced.append((card, cui))
    applied = apply([cards[pk] for pk in plans], plans, now)
    metered = meter(synced, prices, now)
    emit(
        (card.account_id, "company.synced", _synced_event(card, applied[card.pk].fields))
        for card, _ in synced
        if was.get(card.pk) != State.SYNCED or applied[card.pk].changed
    )  # (a refresh that changed nothing is no news)
    SyncState.objects.bulk_create(
        states.values(), update_conflicts=True, unique_fields=["company"], update_fields=_SAVED
    )
    for one in decided:  # the caller's cards show what was written
        for name in applied[one.card.pk].fields if one.card.pk in applied else ():
            setattr(one.card, name, getattr(cards[one.card.pk], name))
    return {pk: state.state for pk, state in states.items()}, metered


def _synced_event(card: Company, changed: list[str]) -> dict[str, object]:
    return {
        "company_id": card.pk,
        "name": card.name,
        "cui": card.cui,
        "legal_name": card.legal_name,
        "status": card.status,
        "changed": sorted(changed),
    }


def _due(now: datetime.datetime, account_id: int | None) -> list[QuerySet[Company]]:
    """Cards of active accounts that should sync now: never synced, then due."""
    cards = Company.objects.filter(account__addon__active=True)
    if account_id is not None:
        cards = cards.filter(account_id=account_id)
    never = cards.filter(sync__isnull=True)
    due = cards.filter(sync__next_due_at__lte=now) | cards.filter(sync__state__in=DUE_STATES)
    return [never.order_by("pk"), due.distinct().order_by("pk")]


def due_cards(now: datetime.datetime, *, account_id: int | None = None) -> list[Company]:
    """Cards of active accounts that should sync now: never synced, or due."""
    return [card for cards in _due(now, account_id) for card in cards]


def due_card_ids(now: datetime.datetime, *, account_id: int | None = None) -> list[int]:
    """The ids of :func:`due_cards` (a backfill queues ids: it need not load the cards)."""
    return [pk for cards in _due(now, account_id) for pk in cards.values_list("pk", flat=True)]
