"""The deployment's one ANAF fetcher: every ANAF request is sent here, one sender at a time.

Syncs do not call ANAF. They ask (:class:`CoalescedAnaf`, the ``anaf`` provider their
lookup gets): each question is a row (:class:`~firmsync.enrichment.models.AnafAnswer`) that
any number of cards and accounts share. The process that holds the fetcher's lease
(:mod:`firmsync.enrichment.lease`) packs the pending VAT questions, oldest first, into
requests of up to 100 CUIs — waiting :data:`LINGER` for a request to fill, longer while
more questions keep coming, so that cards created one by one still go a hundred at a time —
sends them at the configured rate with the client's retries and circuit breaker, writes the
answers back and queues the sync of every card waiting on them. Balance sheets go the same
way, one request each.

``firmsync worker`` runs a fetcher process beside its job workers (``firmsync fetcher``),
and restarts it if it dies; every one of them tries for the lease once a second.

A sync in a worker job does not wait: its card stays ``pending`` and is synced again when
the answer is in. A sync in the foreground (``firmsync sync run``, ``firmsync lookup``)
waits, fetching itself when no one holds the lease. Whoever holds the lease next keeps the
interval after the last send (:class:`~firmsync.enrichment.models.FetcherState`); a holder
that dies leaves its questions pending, and the next holder sends them.
"""

from __future__ import annotations

import dataclasses
import datetime
import logging
import threading
import time
from collections.abc import Callable, Iterable

from django.db import close_old_connections, connection
from django.utils import timezone

from firmsync import conf
from firmsync.enrichment.lease import Lease, configured_lease, holder_name
from firmsync.enrichment.models import AnafAnswer, AnafWait, FetcherState
from firmsync.sources.anaf.balance import BalanceSheet
from firmsync.sources.anaf.client import BATCH, AnafClient, VatResult
from firmsync.sources.anaf.pace import IntervalPace
from firmsync.sources.anaf.records import SOURCE, facts_from_record
from firmsync.sources.errors import Deferred, SourceError, from_kind

__all__ = [
    "FRESH_BALANCE",
    "FRESH_VAT",
    "LINGER",
    "MOST",
    "QUIET",
    "CoalescedAnaf",
    "Fetcher",
    "LeaseLost",
    "await_answers",
    "hold_and_fetch",
]

# A request with fewer than 100 CUIs waits LINGER seconds for more, and up to MOST while
# questions keep coming (none new for QUIET seconds: the burst is over).
LINGER, QUIET, MOST = 2.0, 0.5, 10.0
FRESH_VAT = datetime.timedelta(minutes=10)  # an answer this young is reused by every asker
FRESH_BALANCE = datetime.timedelta(days=1)  # balance sheets change once a year
WAIT = 120.0  # seconds a foreground sync waits for its answers
log = logging.getLogger(__name__)
Kind = AnafAnswer.Kind
Key = tuple[str, int]  # cui, year (0 for the VAT registry)


class LeaseLost(RuntimeError):
    """Another process holds the fetcher's lease now: stop sending."""


def _fresh(kind: str, now: datetime.datetime) -> datetime.datetime:
    return now - (FRESH_VAT if kind == Kind.VAT else FRESH_BALANCE)


def ask(kind: str, keys: Iterable[Key], now: datetime.datetime) -> dict[Key, AnafAnswer]:
    """The fresh answers to these questions; the others are (again) pending from now."""
    wanted = list(dict.fromkeys(keys))
    cuis = {cui for cui, _ in wanted}
    rows = {(a.cui, a.year): a for a in AnafAnswer.objects.filter(kind=kind, cui__in=cuis)}
    fresh, stale, new = {}, [], []
    for key in wanted:
        row = rows.get(key)
        if row is None:
            new.append(AnafAnswer(kind=kind, cui=key[0], year=key[1], asked_at=now))
        elif row.answered_at is not None and row.answered_at >= _fresh(kind, now):
            fresh[key] = row
        elif row.answered_at is not None:
            stale.append(row.pk)
    if new:
        AnafAnswer.objects.bulk_create(new, ignore_conflicts=True)
    if stale:  # asked again: pending from now, answered again by the fetcher
        AnafAnswer.objects.filter(pk__in=stale).update(asked_at=now, answered_at=None)
    return fresh


def _error(row: AnafAnswer) -> SourceError:
    return from_kind(row.error_kind, SOURCE, row.error)


def await_answers(
    kind: str, keys: list[Key], *, timeout: float = WAIT, sleep: float = 0.1
) -> dict[Key, AnafAnswer]:
    """Wait for these questions' answers, fetching them itself whenever no one holds the
    lease (the foreground); those not in by ``timeout`` are left out."""
    deadline = time.monotonic() + timeout
    wanted = set(keys)
    while True:
        found = {
            (a.cui, a.year): a
            for a in AnafAnswer.objects.filter(
                kind=kind, cui__in={c for c, _ in wanted}, answered_at__isnull=False
            )
            if (a.cui, a.year) in wanted
        }
        if len(found) == len(wanted) or time.monotonic() > deadline:
            return found
        lease = configured_lease()
        if lease.acquire():
            try:
                Fetcher(lease).drain()
            finally:
                lease.release()
        else:
            time.sleep(sleep)


class CoalescedAnaf:
    """ANAF for a lookup, through the fetcher: the :class:`~firmsync.sources.lookup.Anaf`
    surface. ``wait``: block for the answers (the foreground), else answer
    :class:`Deferred` for those not in yet (a worker job: the card is synced again)."""

    def __init__(self, *, wait: bool, now: Callable[[], datetime.datetime] = timezone.now) -> None:
        self.wait, self.now = wait, now

    def _answers(self, kind: str, keys: list[Key]) -> dict[Key, AnafAnswer]:
        fresh = ask(kind, keys, self.now())
        missing = [k for k in keys if k not in fresh]
        if missing and self.wait:
            fresh.update(await_answers(kind, missing))
        return fresh

    def vat(self, cuis: Iterable[str], *, on: datetime.date | None = None) -> VatResult:
        wanted = list(dict.fromkeys(cuis))
        answers = self._answers(Kind.VAT, [(cui, 0) for cui in wanted])
        result = VatResult()
        for cui in wanted:
            row = answers.get((cui, 0))
            if row is None:
                result.failed[cui] = Deferred(SOURCE, "asked; the fetcher has not answered yet")
            elif row.outcome == AnafAnswer.Outcome.FOUND:
                result.found[cui] = facts_from_record(row.body)
                result.raw[cui] = row.body
            elif row.outcome == AnafAnswer.Outcome.NOT_FOUND:
                result.not_found.add(cui)
            else:
                result.failed[cui] = _error(row)
        return result

    def balance_sheets(self, cui: str, years: Iterable[int]) -> list[BalanceSheet]:
        wanted = sorted(set(years), reverse=True)
        answers = self._answers(Kind.BALANCE, [(cui, year) for year in wanted])
        sheets = []
        for year in wanted:
            row = answers.get((cui, year))
            if row is None:
                raise Deferred(SOURCE, f"balance sheet {year} asked; not answered yet")
            if row.outcome == AnafAnswer.Outcome.FAILED:
                raise _error(row)
            if row.outcome == AnafAnswer.Outcome.FOUND:
                sheets.append(BalanceSheet(**row.body))
        return sheets


def wait_for(cards: dict[int, str]) -> None:
    """Cards (id → CUI) waiting for ANAF's answers about their CUIs: each is synced again
    when one comes in. If it came in meanwhile, the sync is queued now (the fetcher writes
    answers before it reads the waits, and this writes the waits before it reads answers)."""
    if not cards:
        return
    AnafWait.objects.bulk_create(
        [AnafWait(company_id=card, cui=cui) for card, cui in cards.items()],
        ignore_conflicts=True,
    )
    pending = set(
        AnafAnswer.objects.filter(
            cui__in=set(cards.values()), answered_at__isnull=True
        ).values_list("cui", flat=True)
    )
    _requeue({cui for cui in cards.values() if cui not in pending})


def _requeue(cuis: set[str]) -> None:
    """Queue the sync of the cards waiting on these CUIs, then end their wait (in that
    order: a process that dies in between leaves the waits, which :func:`sweep` finds)."""
    if not cuis:
        return
    from firmsync.enrichment.tasks import request_syncs

    waits = list(AnafWait.objects.filter(cui__in=cuis).values_list("pk", "company_id"))
    # (an answer is 100 CUIs: their cards are synced 100 a job, as a backfill's are)
    request_syncs(list(dict.fromkeys(card for _, card in waits)))
    AnafWait.objects.filter(pk__in=[pk for pk, _ in waits]).delete()


def sweep() -> None:
    """Queue the sync of cards still waiting for answers that are in: a holder that died
    between writing answers and queueing their cards left them waiting."""
    answered = AnafAnswer.objects.filter(answered_at__isnull=False).values("cui")
    _requeue(set(AnafWait.objects.filter(cui__in=answered).values_list("cui", flat=True)))


class Fetcher:
    """What the lease's holder does: send the pending questions, write the answers back."""

    def __init__(
        self,
        lease: Lease,
        *,
        client: AnafClient | None = None,
        rate: float | None = None,
        linger: float = LINGER,
        now: Callable[[], datetime.datetime] = timezone.now,
    ) -> None:
        from firmsync.sources.configured import anaf_client

        self.lease, self.linger, self.now = lease, linger, now
        state, _ = FetcherState.objects.get_or_create(pk=1)
        self.pace = IntervalPace(
            rate or conf.load().anaf_rate, last=state.last_sent, before_send=self._sending
        )
        self.client = client or anaf_client()
        self.client.pace = self.pace
        self.name = holder_name()

    def _sending(self, moment: float) -> None:
        """Before each request: still the holder? Then the send is recorded for the next."""
        if not self.lease.renew():
            raise LeaseLost("the fetcher's lease was lost")
        FetcherState.objects.filter(pk=1).update(last_sent=moment, holder=self.name)

    def _pending(self, kind: str, limit: int) -> list[AnafAnswer]:
        return list(
            AnafAnswer.objects.filter(kind=kind, answered_at__isnull=True).order_by("asked_at")[
                :limit
            ]
        )

    def round(self, *, linger: float | None = None) -> int:
        """Send one request's worth of pending questions, if there is one ready (100 VAT
        CUIs; or the oldest having waited ``linger`` and no new one for :data:`QUIET`
        seconds, or :data:`MOST`); how many questions it answered."""
        linger = self.linger if linger is None else linger
        pending = self._pending(Kind.VAT, BATCH)
        if pending:
            now = self.now()
            oldest = (now - pending[0].asked_at).total_seconds()
            newest = (now - max(row.asked_at for row in pending)).total_seconds()
            ready = oldest >= linger and (newest >= min(QUIET, linger) or oldest >= MOST)
            if len(pending) == BATCH or ready:
                return self._send_vat(pending)
        sheets = self._pending(Kind.BALANCE, 1)
        if sheets:
            return self._send_balance(sheets[0])
        return 0

    def drain(self) -> None:
        """Send every pending question now (the foreground: no one else is fetching)."""
        while self.round(linger=0):
            pass

    def _send_vat(self, pending: list[AnafAnswer]) -> int:
        result = self.client.vat([row.cui for row in pending])
        now = self.now()
        for row in pending:
            row.answered_at = now
            if row.cui in result.found:
                row.outcome, row.body = AnafAnswer.Outcome.FOUND, result.raw[row.cui]
            elif row.cui in result.not_found:
                row.outcome, row.body = AnafAnswer.Outcome.NOT_FOUND, None
            else:
                error = result.failed[row.cui]
                row.outcome, row.body = AnafAnswer.Outcome.FAILED, None
                row.error_kind = error.kind
                row.error = str(error).removeprefix(f"{error.source}: ")
        self._answered(pending)
        return len(pending)

    def _send_balance(self, row: AnafAnswer) -> int:
        try:
            sheet = self.client.balance_sheet(row.cui, row.year)
        except SourceError as error:
            row.outcome, row.body = AnafAnswer.Outcome.FAILED, None
            row.error_kind = error.kind
            row.error = str(error).removeprefix(f"{error.source}: ")
        else:
            found = sheet is not None
            row.outcome = AnafAnswer.Outcome.FOUND if found else AnafAnswer.Outcome.NOT_FOUND
            row.body = dataclasses.asdict(sheet) if sheet is not None else None
        row.answered_at = self.now()
        self._answered([row])
        return 1

    def _answered(self, rows: list[AnafAnswer]) -> None:
        AnafAnswer.objects.bulk_update(
            rows, ["answered_at", "outcome", "body", "error_kind", "error"]
        )
        _requeue({row.cui for row in rows})

    def run(self, stop: threading.Event, *, idle: float = 0.1, sweep_every: float = 5.0) -> None:
        """Fetch while this process holds the lease and is not told to stop; now and then,
        queue the cards a dead holder left waiting for answers that are in."""
        swept = 0.0
        while not stop.is_set() and self.lease.renew():
            if time.monotonic() - swept >= sweep_every:
                sweep()
                swept = time.monotonic()
            if not self.round():
                stop.wait(idle)


def hold_and_fetch(stop: threading.Event, *, every: float = 1.0) -> None:
    """``firmsync fetcher``: try for the lease every ``every`` seconds; fetch while it is
    held; until ``stop`` is set."""
    lease = configured_lease()
    while not stop.is_set():
        try:
            close_old_connections()
            if lease.acquire():
                log.info("holding the ANAF fetcher's lease")
                try:
                    Fetcher(lease).run(stop)
                finally:
                    lease.release()
        except LeaseLost:
            log.warning("the ANAF fetcher's lease was lost; trying again")
        except Exception:  # the fetcher must outlive any one failure (a database restart)
            log.exception("the ANAF fetcher failed; trying again")
        stop.wait(every)
    connection.close()
