"""The sync engine's transactions: committed without waiting for the disk.

On PostgreSQL a commit waits until its WAL is flushed to disk (~3 ms on the machines
measured, four times a batch: its claim, its writes, its release). The engine's transactions
skip that wait (``synchronous_commit = off`` for the transaction alone), which is the
guarantee the embedded default's SQLite gives every commit (WAL with ``synchronous=NORMAL``):
a crash of the server or the machine may lose the last fraction of a second of commits,
whole and never half, and nothing else. What a sync loses that way is redone: its cards are
still due, so the sweep syncs them again, and their usage entries go with their writes. A
user's own edits keep waiting for the disk.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction

__all__ = ["engine_transaction"]


@contextmanager
def engine_transaction() -> Iterator[None]:
    """``transaction.atomic()``, whose commit does not wait for the disk on PostgreSQL
    (inside another transaction, the other's owner decides its durability)."""
    nested = connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and not nested:
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        yield
