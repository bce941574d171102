"""One pace for every process: slots from SQLite, PostgreSQL or Redis never come too close."""

from __future__ import annotations

import contextlib
import itertools
import multiprocessing
import os
import signal
import socket
import socketserver
import threading
import time
import urllib.parse
import uuid
from collections.abc import Sequence
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


def _check(gaps: list[float], *, frozen_sends: int = 0) -> None:
    """Without a shared pace three processes would send together (gaps near 0). A process
    may wake a little late from its sleep on a busy machine, so single gaps are allowed to
    shrink by half; all of them together still span every slot. No pace can help a freeze
    that lands between a process's last look at the clock and its send: ``frozen_sends``
    gaps may come closer."""
    assert len(gaps) == 3 * TAKES - 1
    assert len([gap for gap in gaps if gap < 0.5 / RATE]) <= frozen_sends, sorted(gaps)[:3]
    assert sum(gaps) >= 0.95 * len(gaps) / RATE


def _gaps_across_processes(url: str, *, stalls: bool = False) -> list[float]:
    name = f"test-{uuid.uuid4().hex[:8]}"
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    workers = [context.Process(target=_take, args=(url, name, queue)) for _ in range(3)]
    for worker in workers:
        worker.start()
    done = threading.Event()
    pids = [worker.pid for worker in workers if worker.pid]  # all: each has started
    freezer = threading.Thread(target=_stall, args=(pids, done))
    if stalls:
        freezer.start()
    try:
        sent = sorted(t for _ in workers for t in queue.get(timeout=60))
    finally:
        done.set()
        if stalls:
            freezer.join()  # every process going again
    for worker in workers:
        worker.join()
    return [b - a for a, b in itertools.pairwise(sent)]


def _stall(pids: Sequence[int], done: threading.Event) -> None:
    """Freeze every process at once, again and again, for longer than a slot — as a
    busy host does to a virtual machine, or a store to every process waiting on a commit."""
    while not done.wait(0.15):
        _signal(pids, signal.SIGSTOP)
        time.sleep(3 / RATE)
        _signal(pids, signal.SIGCONT)


def _signal(pids: Sequence[int], number: signal.Signals) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):  # done with its takes, and gone
            os.kill(pid, number)


STORES = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param(
        POSTGRES,
        id="postgres",
        marks=pytest.mark.skipif(not POSTGRES.startswith("postgres"), reason="no PostgreSQL"),
    ),
    pytest.param(
        REDIS,
        id="redis",
        marks=pytest.mark.skipif(not REDIS.startswith("redis"), reason="FIRMSYNC_QUEUE_URL"),
    ),
]


@pytest.mark.parametrize("url", STORES)
def test_the_pace_is_shared_by_processes(url: str, tmp_path: Path) -> None:
    if url == "sqlite":
        url = f"sqlite:///{tmp_path}/pace.sqlite3"
    _check(_gaps_across_processes(url))


@pytest.mark.parametrize("url", STORES)
def test_a_slot_kept_too_late_is_given_up_not_sent_beside_the_next(
    url: str, tmp_path: Path
) -> None:
    if url == "sqlite":
        url = f"sqlite:///{tmp_path}/pace.sqlite3"
    _check(_gaps_across_processes(url, stalls=True), frozen_sends=1)


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


class _FarAway(socketserver.ThreadingTCPServer):
    """A TCP relay to a store that delays every read by ``delay`` each way, as a store in
    another region answers (a slot then comes with a span wider than the margin)."""

    daemon_threads = allow_reuse_address = True

    def __init__(self, upstream: tuple[str, int], delay: float) -> None:
        self.upstream, self.delay = upstream, delay
        super().__init__(("127.0.0.1", 0), _Relay)


class _Relay(socketserver.BaseRequestHandler):
    server: _FarAway

    def handle(self) -> None:
        with socket.create_connection(self.server.upstream) as upstream:
            back = threading.Thread(target=self._copy, args=(upstream, self.request), daemon=True)
            back.start()
            self._copy(self.request, upstream)

    def _copy(self, source: socket.socket, target: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                time.sleep(self.server.delay)
                target.sendall(data)


@pytest.mark.skipif(not REDIS.startswith("redis"), reason="FIRMSYNC_QUEUE_URL is not Redis")
def test_a_store_farther_than_the_margin_still_gives_every_request_a_slot() -> None:
    redis_at = urllib.parse.urlparse(REDIS)
    relay = _FarAway((redis_at.hostname or "127.0.0.1", redis_at.port or 6379), 1 / RATE)
    threading.Thread(target=relay.serve_forever, daemon=True).start()
    try:
        far = redis_at._replace(netloc=f"127.0.0.1:{relay.server_address[1]}").geturl()
        pace, sent = shared_pace(far, RATE, name=f"test-{uuid.uuid4().hex[:8]}"), []

        def take() -> None:
            for _ in range(6):
                pace.wait()
                sent.append(time.monotonic())

        taking = threading.Thread(target=take, daemon=True)
        taking.start()
        taking.join(timeout=10)  # each wait ~2 round trips (ping, slot): 6 × 0.1 s
        assert not taking.is_alive(), "the pace gave up every slot a far store answered"
        gaps = [b - a for a, b in itertools.pairwise(sent)]
        assert min(gaps) >= 1 / RATE
    finally:
        relay.shutdown()
        relay.server_close()
