"""One request pace for a whole deployment: ANAF allows one request per second per client.

A pace hands out send times ("slots") ``interval`` seconds apart. The next free slot lives
where every process of the deployment sees it — Redis, PostgreSQL or the SQLite file of the
embedded setup — and is taken and advanced in one atomic step, so two processes, or two
machines, never get the same slot. The clock is the store's own (Redis ``TIME``,
PostgreSQL ``clock_timestamp()``) so machines whose clocks differ still agree; SQLite is one
machine, so its clock is that machine's. A process that comes to its slot too late to keep
it apart from the next one gives it up and takes another (``_Slots``).

>>> pace = LocalPace(rate=1000.0)
>>> pace.wait(); pace.wait()  # the second call sleeps about a millisecond
"""

from __future__ import annotations

import math
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple, Protocol
from urllib.parse import urlparse

__all__ = ["LocalPace", "Pace", "PostgresPace", "RedisPace", "SqlitePace", "shared_pace"]

# Requests are sent this much further apart than the limit asks: the provider measures
# arrivals, and arrivals jitter on their way — from a send to a local fake's arrival, 3 to
# 19 ms on a busy 2-core machine (measured), more over a network. 1 request/s becomes one
# every 1.04 s: 96 CUIs/s at 100 a request.
MARGIN, SLACK = 1.01, 0.03


class Pace(Protocol):
    def wait(self) -> None:
        """Block until this caller may send one request."""


def _interval(rate: float) -> float:
    if rate <= 0:
        raise ValueError(f"rate must be positive, not {rate}")
    return MARGIN / rate + SLACK


class Slot(NamedTuple):
    """A slot's time on this process's clock lies between ``earliest`` and ``latest``: a store
    reads its own clock at a moment of the round trip that this process cannot see."""

    earliest: float
    latest: float


class _Slots:
    """What every pace shares: take a slot (``_take``), sleep until its latest time, and give it
    up for the next free one if this process comes to it too late.

    A slot may be kept late only by the margin the interval keeps over the limit: later, the
    send would come closer than the limit to the next slot, which another process may be
    keeping on time. Both happen: a store stalled in a commit (a slow fsync) answers every
    process waiting for the slot late and together, and a busy host pauses a virtual machine
    with its sleepers past their slots, which then wake together. Lateness counts from the
    slot's latest time plus what the round trip took beyond the store's quickest: a store's
    distance is no stall, and a store farther than the margin would otherwise give up every
    slot.
    """

    clock: Callable[[], float] = staticmethod(time.monotonic)

    def __init__(self, rate: float) -> None:
        self.rate, self.interval = rate, _interval(rate)
        self._allowed = self.interval - 1 / rate
        self._quickest = math.inf  # the narrowest span a slot has come with

    def wait(self) -> None:
        while True:
            slot = self._take()
            span = slot.latest - slot.earliest
            self._quickest = min(self._quickest, span)
            _sleep_until(slot.latest, self.clock)
            if self.clock() - slot.latest + (span - self._quickest) <= self._allowed:
                return

    def _take(self) -> Slot:
        raise NotImplementedError

    def _time_round_trip(self, call: Callable[[], object]) -> None:
        """Know the store's distance before the first slot, which may come with a stall."""
        asked = self.clock()
        call()
        self._quickest = self.clock() - asked


class LocalPace(_Slots):
    """Within one process only (tests, one-off commands with ``--rate``)."""

    def __init__(self, rate: float) -> None:
        super().__init__(rate)
        self._next = 0.0
        self._lock = threading.Lock()

    def _take(self) -> Slot:
        with self._lock:
            slot = max(time.monotonic(), self._next)
            self._next = slot + self.interval
        return Slot(slot, slot)


class SqlitePace(_Slots):
    """In a SQLite file every process of one machine opens (the embedded setup)."""

    clock = staticmethod(time.time)  # the slots are this machine's wall-clock times

    def __init__(self, path: Path, rate: float, *, name: str = "anaf") -> None:
        super().__init__(rate)
        self.name = name
        self._db = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
        _when_unlocked(self._set_up)
        self._lock = threading.Lock()

    def _set_up(self) -> None:  # each statement may run again: all are idempotent
        self._db.execute("PRAGMA journal_mode=WAL")
        # A slot lost in a crash costs one request sent early, once; a sync in every commit
        # would stall every process waiting for the slot behind it.
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS pace_slot (name TEXT PRIMARY KEY, next REAL NOT NULL)"
        )
        self._db.execute("INSERT OR IGNORE INTO pace_slot VALUES (?, 0)", (self.name,))

    def _take(self) -> Slot:
        with self._lock:
            now = time.time()
            # One statement: SQLite takes its write lock for it, so the read and the advance
            # cannot interleave with another process's.
            (slot,) = self._db.execute(
                "UPDATE pace_slot SET next = max(next, ?) + ? WHERE name = ? RETURNING next - ?",
                (now, self.interval, self.name, self.interval),
            ).fetchone()
        return Slot(slot, slot)  # on this machine's clock, which the store does not read


def _when_unlocked(action: Callable[[], None], within: float = 30.0) -> None:
    """Run ``action``, again while another process holds the SQLite file's lock.

    SQLite answers "database is locked" at once, without waiting as ``timeout`` asks, when
    connections switch a new file to WAL together (waiting could deadlock), so processes that
    start together have to try again themselves.
    """
    deadline = time.monotonic() + within
    while True:
        try:
            return action()
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


class PostgresPace(_Slots):
    def __init__(self, url: str, rate: float, *, name: str = "anaf") -> None:
        import psycopg

        super().__init__(rate)
        self.name = name
        self._db = psycopg.connect(url.replace("postgres://", "postgresql://", 1), autocommit=True)
        # As in SQLite: a slot need not survive a crash, and a commit waiting for its fsync
        # holds the slot's row lock, so every process waiting behind it would be answered late.
        self._db.execute("SET synchronous_commit = off")
        with self._db.transaction():  # CREATE … IF NOT EXISTS races between processes
            self._db.execute("SELECT pg_advisory_xact_lock(hashtext('firmsync.pace_slot'))")
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS pace_slot (name TEXT PRIMARY KEY, "
                "next DOUBLE PRECISION NOT NULL)"
            )
            self._db.execute(
                "INSERT INTO pace_slot VALUES (%s, 0) ON CONFLICT (name) DO NOTHING", (name,)
            )
        self._time_round_trip(lambda: self._db.execute("SELECT 1"))
        self._lock = threading.Lock()

    def _take(self) -> Slot:
        with self._lock:
            asked = time.monotonic()
            row = self._db.execute(
                "WITH now AS (SELECT extract(epoch FROM clock_timestamp())::float8 AS t) "
                "UPDATE pace_slot SET next = greatest(next, now.t) + %s FROM now "
                "WHERE name = %s "
                "RETURNING next - %s, now.t, extract(epoch FROM clock_timestamp())::float8",
                (self.interval, self.name, self.interval),
            ).fetchone()
            answered = time.monotonic()
        assert row is not None
        slot, started, updated = row
        # The server read "started" before any wait for another process's update of the
        # slot, so no earlier than we asked; and "updated" after it, so no later than the
        # answer came: the wait for the lock does not widen the slot.
        return Slot(asked + (slot - started), answered + (slot - updated))


# KEYS[1]: the slot's key; ARGV[1]: the interval in microseconds. Returns the wait in µs.
_TAKE_SLOT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local slot = math.max(tonumber(redis.call('GET', KEYS[1]) or '0'), now)
redis.call('SET', KEYS[1], string.format('%d', slot + tonumber(ARGV[1])), 'PX', 60000)
return slot - now
"""


class RedisPace(_Slots):
    """In Redis: every web and worker process of a scaled deployment, on any machine."""

    def __init__(self, url: str, rate: float, *, name: str = "anaf") -> None:
        import redis

        super().__init__(rate)
        self._client = redis.Redis.from_url(url)
        self._take_slot = self._client.register_script(_TAKE_SLOT)
        self._key = f"firmsync:pace:{name}"
        self._time_round_trip(self._client.ping)

    def _take(self) -> Slot:
        asked = time.monotonic()
        waited = int(self._take_slot(keys=[self._key], args=[int(self.interval * 1_000_000)]))
        answered = time.monotonic()
        return Slot(asked + waited / 1_000_000, answered + waited / 1_000_000)


def _sleep_until(deadline: float, clock: Callable[[], float]) -> None:
    """Sleep until ``deadline`` on ``clock``, measured after any delay in getting here (a
    process descheduled between taking its slot and sleeping must not send late into the
    next one's slot)."""
    time.sleep(max(0.0, deadline - clock()))


def shared_pace(url: str, rate: float, *, name: str = "anaf") -> Pace:
    """The pace kept in the store at ``url``: ``redis://``, ``postgres://`` or ``sqlite:///``."""
    scheme = urlparse(url).scheme
    if scheme in ("redis", "rediss", "unix"):
        return RedisPace(url, rate, name=name)
    if scheme in ("postgres", "postgresql"):
        return PostgresPace(url, rate, name=name)
    if scheme == "sqlite":
        return SqlitePace(Path(urlparse(url).path), rate, name=name)
    raise ValueError(f"no shared pace for a {scheme!r} URL: use redis://, postgres:// or sqlite://")
