"""Leases: one holder in the whole deployment at a time, taken over within seconds when the
holder's process dies. The ANAF fetcher holds one (:data:`ANAF_FETCHER`); the register's
update from the data portal another (:data:`REGISTER_UPDATE`), so that one update runs at a
time; making due the cards an import changed a third (:data:`CARDS_DUE`).

- :class:`RedisLease` — a Redis lock with an expiry, renewed by its holder (the queue is
  Redis: the deployment at scale);
- :class:`PostgresLease` — a session-level advisory lock on a connection of its own: the
  server releases it when that connection drops, which is what a dead process's does;
- :class:`FileLease` — ``flock`` on a file in the data folder (the embedded default, one
  machine): the kernel releases it when the process dies.

:func:`configured_lease` picks one from the configuration.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Protocol

from firmsync import conf

__all__ = [
    "ANAF_FETCHER",
    "CARDS_DUE",
    "REGISTER_UPDATE",
    "FileLease",
    "Lease",
    "PostgresLease",
    "Purpose",
    "RedisLease",
    "configured_lease",
    "holder_name",
    "renewed",
]

NAME = "firmsync:anaf-fetcher"
TTL = 10.0  # seconds a Redis lease outlives its last renewal: how soon a dead holder is replaced
ADVISORY_KEY = 7_245_118_203  # the advisory lock's number: any constant the deployment shares


@dataclass(frozen=True)
class Purpose:
    """What a lease is for: its Redis key, its advisory lock's number, its lock file."""

    name: str
    advisory_key: int
    file: str


ANAF_FETCHER = Purpose(NAME, ADVISORY_KEY, "anaf-fetcher.lock")
REGISTER_UPDATE = Purpose("firmsync:register-update", 7_245_118_204, "register-update.lock")
CARDS_DUE = Purpose("firmsync:cards-due", 7_245_118_205, "cards-due.lock")


def holder_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class Lease(Protocol):
    def acquire(self) -> bool:
        """Take the lease if no one holds it (never blocks); whether this caller holds it."""

    def renew(self) -> bool:
        """Whether this caller still holds the lease (extending it where it expires)."""

    def release(self) -> None: ...


class FileLease:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: IO[str] | None = None

    def acquire(self) -> bool:
        if self._file is not None:
            return True
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        self._file = handle
        return True

    def renew(self) -> bool:
        return self._file is not None

    def release(self) -> None:
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None


class PostgresLease:
    def __init__(self, url: str, *, key: int = ADVISORY_KEY) -> None:
        self.url = url.replace("postgres://", "postgresql://", 1)
        self.key = key
        self._connection: Any = None

    def acquire(self) -> bool:
        if self._connection is not None:
            return self.renew()
        import psycopg

        connection = psycopg.connect(self.url, autocommit=True, connect_timeout=5)
        (taken,) = connection.execute("SELECT pg_try_advisory_lock(%s)", (self.key,)).fetchone()
        if not taken:
            connection.close()
            return False
        self._connection = connection
        return True

    def renew(self) -> bool:
        if self._connection is None:
            return False
        try:  # still ours? Taken once more (it stacks) and let go once: true, true if so
            held = self._connection.execute(
                "SELECT pg_try_advisory_lock(%s) AND pg_advisory_unlock(%s)",
                (self.key, self.key),
            ).fetchone()[0]
        except Exception:  # any failure of the connection loses the lock with it
            held = False
        if not held:
            self.release()
        return bool(held)

    def release(self) -> None:
        if self._connection is not None:
            try:
                self._connection.close()  # closing the session releases its advisory locks
            finally:
                self._connection = None


class RedisLease:
    def __init__(self, url: str, *, ttl: float = TTL, name: str = NAME) -> None:
        import redis

        self._lock = redis.Redis.from_url(url).lock(name, timeout=ttl, blocking=False)
        self.ttl = ttl
        self._held = False

    def acquire(self) -> bool:
        if self._held:
            return self.renew()
        self._held = bool(self._lock.acquire(blocking=False))
        return self._held

    def renew(self) -> bool:
        if not self._held:
            return False
        try:
            self._lock.extend(self.ttl, replace_ttl=True)
        except Exception:  # LockNotOwnedError, or Redis gone: either way not ours any more
            self._held = False
        return self._held

    def release(self) -> None:
        if self._held:
            self._held = False
            with contextlib.suppress(Exception):  # expired meanwhile: nothing to release
                self._lock.release()


def configured_lease(purpose: Purpose = ANAF_FETCHER) -> Lease:
    config = conf.load()
    url = config.lease_url
    if url.startswith("redis"):
        return RedisLease(url, name=purpose.name)
    if url.startswith(("postgres://", "postgresql://")):
        return PostgresLease(url, key=purpose.advisory_key)
    return FileLease(config.data_dir / purpose.file)


@contextlib.contextmanager
def renewed(lease: Lease, *, every: float = TTL / 3) -> Iterator[None]:
    """A lease already acquired, renewed every ``every`` seconds while the block runs (work
    that takes minutes, where a Redis lease would expire), released after it."""
    stop = threading.Event()

    def renew() -> None:
        while not stop.wait(every):
            if not lease.renew():
                return

    thread = threading.Thread(target=renew, name="lease-renewal", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
        lease.release()
