"""One request pace for a whole deployment: ANAF allows one request per second per client.

A pace hands out send times ("slots") ``interval`` seconds apart. The next free slot lives
where every process of the deployment sees it — Redis, PostgreSQL or the SQLite file of the
embedded setup — and is taken and advanced in one atomic step, so two processes, or two
machines, never get the same slot. The clock is the store's own (Redis ``TIME``,
PostgreSQL ``clock_timestamp()``) so machines whose clocks differ still agree; SQLite is one
machine, so its clock is that machine's. A process that comes to its slot too late to keep
it apart from the next one gives it up and takes another (``_keep_slot``).

>>> pace = LocalPace(rate=1000.0)
>>> pace.wait(); pace.wait()  # the second call sleeps about a millisecond
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple, Protocol
from urllib.parse import urlparse

__all__ = ["LocalPace", "Pace", "PostgresPace", "RedisPace", "Slot", "SqlitePace", "shared_pace"]

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


def _keep_slot(take: Callable[[], Slot], clock: Callable[[], float], rate: float) -> None:
    """Take a slot, sleep until its latest time, and give it up for the next free one if this
    process comes out of the round trip or the sleep too late after its earliest time.

    A slot may be kept late only by the margin the interval keeps over the limit: later, the
    send would come closer than the limit to the next slot, which another process may be
    keeping on time. Both happen: a store stalled in a commit (a slow fsync) answers every
    process waiting for the slot late and together, and a busy host pauses a virtual machine
    with its sleepers past their slots, which then wake together.
    """
    allowed = _interval(rate) - 1 / rate
    while True:
        slot = take()
        _sleep_until(slot.latest, clock)
        if clock() - slot.earliest <= allowed:
            return


class LocalPace:
    """Within one process only (tests, one-off commands with ``--rate``)."""

    def __init__(self, rate: float) -> None:
        self.rate, self.interval = rate, _interval(rate)
        self._next = 0.0
        self._lock = threading.Lock()

    def wait(self) -> None:
        _keep_slot(self._take, time.monotonic, self.rate)

    def _take(self) -> Slot:
        with self._lock:
            slot = max(time.monotonic(), self._next)
            self._next = slot + self.interval
        return Slot(slot, slot)


class SqlitePace:
    """In a SQLite file every process of one machine opens (the embedded setup)."""

    def __init__(self, path: Path, rate: float, *, name: str = "anaf") -> None:
        self.rate, self.interval, self.name = rate, _interval(rate), name
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

    def wait(self) -> None:
        _keep_slot(self._take, time.time, self.rate)

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


class PostgresPace:
    def __init__(self, url: str, rate: float, *, name: str = "anaf") -> None:
        import psycopg

        self.rate, self.interval, self.name = rate, _interval(rate), name
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
        self._lock = threading.Lock()

    def wait(self) -> None:
        _keep_slot(self._take, time.monotonic, self.rate)

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


class RedisPace:
    """In Redis: every web and worker process of a scaled deployment, on any machine."""

    def __init__(self, url: str, rate: float, *, name: str = "anaf") -> None:
        import redis

        self.rate, self.interval = rate, _interval(rate)
        self._client = redis.Redis.from_url(url)
        self._take_slot = self._client.register_script(_TAKE_SLOT)
        self._key = f"firmsync:pace:{name}"

    def wait(self) -> None:
        _keep_slot(self._take, time.monotonic, self.rate)

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
