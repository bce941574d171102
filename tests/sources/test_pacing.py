"""One pace for every process: slots from SQLite, PostgreSQL or Redis never come too close."""

from __future__ import annotations

import itertools
import multiprocessing
import os
import time
import uuid
from pathlib import Path

import pytest

from firmsync.sources.pacing import LocalPace, Pace, shared_pace

RATE = 40.0
TAKES = 12

POSTGRES = os.environ.get("FIRMSYNC_DATABASE_URL", "")
REDIS = os.environ.get("FIRMSYNC_QUEUE_URL", "")


def _take(url: str, name: str, queue: multiprocessing.Queue) -> None:
    pace = shared_pace(url, RATE, name=name)
    sent = []
    for _ in range(TAKES):
        pace.wait()
        sent.append(time.time())
    queue.put(sent)


def _check(gaps: list[float]) -> None:
    """Without a shared pace three processes would send together (gaps near 0). A process
    may wake a little late from its sleep on a busy machine, so single gaps are allowed to
    shrink by half; all of them together still span every slot."""
    assert len(gaps) == 3 * TAKES - 1
    assert min(gaps) >= 0.5 / RATE
    assert sum(gaps) >= 0.95 * len(gaps) / RATE


def _gaps_across_processes(url: str) -> list[float]:
    name = f"test-{uuid.uuid4().hex[:8]}"
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    workers = [context.Process(target=_take, args=(url, name, queue)) for _ in range(3)]
    for worker in workers:
        worker.start()
    sent = sorted(t for _ in workers for t in queue.get(timeout=60))
    for worker in workers:
        worker.join()
    return [b - a for a, b in itertools.pairwise(sent)]


def test_sqlite_pace_is_shared_by_processes(tmp_path: Path) -> None:
    _check(_gaps_across_processes(f"sqlite:///{tmp_path}/pace.sqlite3"))


@pytest.mark.skipif(not POSTGRES.startswith("postgres"), reason="FIRMSYNC_DATABASE_URL")
def test_postgres_pace_is_shared_by_processes() -> None:
    _check(_gaps_across_processes(POSTGRES))


@pytest.mark.skipif(not REDIS.startswith("redis"), reason="FIRMSYNC_QUEUE_URL is not Redis")
def test_redis_pace_is_shared_by_processes() -> None:
    _check(_gaps_across_processes(REDIS))


def test_the_local_pace_spaces_calls() -> None:
    pace: Pace = LocalPace(RATE)
    sent = []
    for _ in range(5):
        pace.wait()
        sent.append(time.monotonic())
    gaps = [b - a for a, b in itertools.pairwise(sent)]
    assert min(gaps) >= 0.5 / RATE and sum(gaps) >= 0.95 * len(gaps) / RATE


def test_an_unknown_store_is_refused() -> None:
    with pytest.raises(ValueError, match="no shared pace"):
        shared_pace("mysql://x", 1.0)
    with pytest.raises(ValueError, match="rate must be positive"):
        LocalPace(0)
