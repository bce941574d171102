"""The fetcher's parts: its lease on every store, how it packs and lingers, the interval it
keeps across holders, and how syncs ask it (against the fake ANAF)."""

from __future__ import annotations

import datetime
import multiprocessing
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from firmsync.enrichment import fetcher
from firmsync.enrichment.fetcher import CoalescedAnaf, Fetcher, ask
from firmsync.enrichment.lease import FileLease, Lease, PostgresLease, RedisLease
from firmsync.enrichment.models import AnafAnswer, FetcherState
from firmsync.identity import cui as cui_code
from firmsync.sources.anaf.client import AnafClient
from firmsync.sources.anaf.pace import interval
from firmsync.sources.errors import Deferred
from firmsync.sources.fake.anaf import FakeAnaf
from firmsync.sources.resilience import Backoff

RATE = 20.0
NOW = datetime.datetime(2026, 12, 4, 10, 0, tzinfo=datetime.UTC)
DATABASE = os.environ.get("FIRMSYNC_DATABASE_URL", "")
QUEUE = os.environ.get("FIRMSYNC_QUEUE_URL", "")


def cuis(count: int) -> list[str]:
    bodies = (str(n) for n in range(30_000_000, 30_000_000 + count))
    return [body + cui_code.check_digit(body) for body in bodies]


# --- the lease ----------------------------------------------------------------------------
def _lease(kind: str, tmp_path: Path) -> Lease:
    if kind == "file":
        return FileLease(tmp_path / "fetcher.lock")
    if kind == "postgres":
        if not DATABASE.startswith("postgres"):
            pytest.skip("needs PostgreSQL")
        return PostgresLease(DATABASE)
    if not QUEUE.startswith("redis"):
        pytest.skip("needs Redis")
    return RedisLease(QUEUE, ttl=1.0)


def _hold_until_killed(kind: str, tmp_path: Path, held: multiprocessing.Event) -> None:
    lease = _lease(kind, tmp_path)
    assert lease.acquire()
    held.set()
    while True:
        lease.renew()
        time.sleep(0.2)


@pytest.mark.parametrize("kind", ["file", "postgres", "redis"])
def test_one_holder_at_a_time_and_a_dead_holders_lease_is_free_within_seconds(
    kind: str, tmp_path: Path
) -> None:
    first, second = _lease(kind, tmp_path), _lease(kind, tmp_path)
    assert first.acquire() and first.renew()
    assert not second.acquire()
    first.release()
    assert second.acquire() and not first.renew()
    second.release()
    held = multiprocessing.get_context("fork").Event()
    holder = multiprocessing.get_context("fork").Process(
        target=_hold_until_killed, args=(kind, tmp_path, held)
    )
    holder.start()
    try:
        assert held.wait(10)
        assert not first.acquire()
        os.kill(holder.pid, signal.SIGKILL)  # type: ignore[arg-type]
        killed = time.monotonic()
        while not first.acquire():
            assert time.monotonic() - killed < 5, "the dead holder's lease was not freed"
            time.sleep(0.1)
    finally:
        holder.join(5)
        first.release()


# --- packing, lingering, the interval -----------------------------------------------------
@pytest.fixture
def fake() -> FakeAnaf:
    return FakeAnaf(rate=RATE)


@pytest.fixture
def anaf(fake: FakeAnaf) -> Iterator[AnafClient]:
    with fake.serve() as server, AnafClient(server.url, backoff=Backoff(0.01, 0.02, 2)) as client:
        yield client


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime.datetime:
        return self.now


class Held:
    """A lease held for the test."""

    def acquire(self) -> bool:
        return True

    def renew(self) -> bool:
        return True

    def release(self) -> None:
        pass


@pytest.mark.django_db
def test_pending_cuis_go_a_hundred_a_request_and_a_few_wait_to_fill_one(
    fake: FakeAnaf, anaf: AnafClient
) -> None:
    clock = Clock()
    ask(AnafAnswer.Kind.VAT, [(c, 0) for c in cuis(250)], clock.now)
    work = Fetcher(Held(), client=anaf, rate=RATE, now=clock)
    assert work.round() == 100 and work.round() == 100
    assert work.round() == 0  # 50 left, just asked: they wait for more
    clock.now += datetime.timedelta(seconds=fetcher.LINGER + 0.1)
    assert work.round() == 50
    assert fake.stats()["requests"] == 3 and fake.stats()["violations"] == 0
    assert AnafAnswer.objects.filter(answered_at__isnull=True).count() == 0


@pytest.mark.django_db
def test_questions_that_keep_coming_hold_the_request_until_it_fills(
    anaf: AnafClient,
) -> None:
    clock = Clock()
    work = Fetcher(Held(), client=anaf, rate=RATE, now=clock)
    asked = cuis(100)
    for step in range(10):  # 10 new questions every 0.25 s: past the linger, never quiet
        ask(AnafAnswer.Kind.VAT, [(c, 0) for c in asked[10 * step : 10 * step + 10]], clock.now)
        clock.now += datetime.timedelta(seconds=0.25)
        assert work.round() == (100 if step == 9 else 0)


@pytest.mark.django_db
def test_the_next_holder_keeps_the_interval_after_the_last_send(
    fake: FakeAnaf, anaf: AnafClient
) -> None:
    FetcherState.objects.create(pk=1, last_sent=time.time())  # a holder sent just now
    ask(AnafAnswer.Kind.VAT, [(c, 0) for c in cuis(1)], NOW)
    started = time.monotonic()
    Fetcher(Held(), client=anaf, rate=RATE, now=Clock()).drain()
    assert time.monotonic() - started >= interval(RATE) * 0.9
    assert fake.stats()["violations"] == 0


# --- asking -------------------------------------------------------------------------------
@pytest.mark.django_db
def test_a_sync_in_a_job_is_deferred_and_one_question_serves_every_asker(
    fake: FakeAnaf, anaf: AnafClient
) -> None:
    clock = Clock()
    one, other = CoalescedAnaf(wait=False, now=clock), CoalescedAnaf(wait=False, now=clock)
    wanted = cuis(3)
    first = one.vat(wanted)
    assert set(first.failed) == set(wanted)
    assert all(isinstance(e, Deferred) for e in first.failed.values())
    other.vat(wanted[:2])  # another account asks for two of them meanwhile
    assert AnafAnswer.objects.count() == 3
    Fetcher(Held(), client=anaf, rate=RATE, now=clock).drain()
    answered = one.vat(wanted)
    assert set(answered.found) == set(wanted) and not answered.failed
    assert fake.stats()["requests"] == 1 and fake.stats()["cuis_served"] == 3
    clock.now += fetcher.FRESH_VAT + datetime.timedelta(seconds=1)
    assert set(one.vat(wanted[:1]).failed) == {wanted[0]}  # stale: asked again
