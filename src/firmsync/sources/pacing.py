"""One request pace for a whole deployment: ANAF allows one request per second per client.

A pace hands out send times ("slots") ``interval`` seconds apart. The next free slot lives
where every process of the deployment sees it — Redis, PostgreSQL or the SQLite file of the
embedded setup — and is taken and advanced in one atomic step, so two processes, or two
machines, never get the same slot. The clock is the store's own (Redis ``TIME``,
PostgreSQL ``clock_timestamp()``) so machines whose clocks differ still agree; SQLite is one
machine, so its clock is that machine's.

>>> pace = LocalPace(rate=1000.0)
>>> pace.wait(); pace.wait()  # the second call sleeps about a millisecond
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Protocol
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


class LocalPace:
    """Within one process only (tests, one-off commands with ``--rate``)."""

    def __init__(self, rate: float) -> None:
        self.interval = _interval(rate)
        self._next = 0.0
        self._lock = threading.Lock()

    def wait(self) -> None:
        with self._lock:
            slot = max(time.monotonic(), self._next)
            self._next = slot + self.interval
        _sleep_until(slot, time.monotonic)


class SqlitePace:
    """In a SQLite file every process of one machine opens (the embedded setup)."""

    def __init__(self, path: Path, rate: float, *, name: str = "anaf") -> None:
        self.interval, self.name = _interval(rate), name
        self._db = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
        _when_unlocked(self._set_up)
        self._lock = threading.Lock()

    def _set_up(self) -> None:  # each statement may run again: all are idempotent
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS pace_slot (name TEXT PRIMARY KEY, next REAL NOT NULL)"
        )
        self._db.execute("INSERT OR IGNORE INTO pace_slot VALUES (?, 0)", (self.name,))

    def wait(self) -> None:
        with self._lock:
            now = time.time()
            # One statement: SQLite takes its write lock for it, so the read and the advance
            # cannot interleave with another process's.
            (slot,) = self._db.execute(
                "UPDATE pace_slot SET next = max(next, ?) + ? WHERE name = ? RETURNING next - ?",
                (now, self.interval, self.name, self.interval),
            ).fetchone()
        _sleep_until(slot, time.time)


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

        self.interval, self.name = _interval(rate), name
        self._db = psycopg.connect(url.replace("postgres://", "postgresql://", 1), autocommit=True)
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
        with self._lock:
            asked = time.monotonic()
            row = self._db.execute(
                "WITH now AS (SELECT extract(epoch FROM clock_timestamp())::float8 AS t) "
                "UPDATE pace_slot SET next = greatest(next, now.t) + %s FROM now "
                "WHERE name = %s RETURNING next - %s, now.t",
                (self.interval, self.name, self.interval),
            ).fetchone()
        assert row is not None
        slot, now = row
        # The server's "now" is read as the statement starts, before it waits for another
        # process's update of the slot: on our clock, at the start of the round trip (its
        # middle would put every slot that waited late, and the next one too close to it).
        _sleep_until(asked + (slot - now), time.monotonic)


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

        self.interval = _interval(rate)
        self._client = redis.Redis.from_url(url)
        self._take = self._client.register_script(_TAKE_SLOT)
        self._key = f"firmsync:pace:{name}"

    def wait(self) -> None:
        asked = time.monotonic()
        waited = int(self._take(keys=[self._key], args=[int(self.interval * 1_000_000)]))
        answered = time.monotonic()
        _sleep_until((asked + answered) / 2 + waited / 1_000_000, time.monotonic)


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
