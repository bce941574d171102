"""Fresh planner statistics for the tables a sync grows, on PostgreSQL.

PostgreSQL plans a batch's statements from each table's statistics, which autovacuum
refreshes at most once a minute. A first backfill grows the sync's tables from nothing in
less time than that, and a plan made for a near-empty table does not stay good: metering
then reads every entry of the account's month in every batch (the unique index's third
column, the batch's CUIs, is left as a filter), and a 10,000-card backfill spent a sixth
of its time there (docs/enrichment.md). So each process of the engine looks, every few
seconds, for a sync table that changed by more than half its size since it was last
analysed, and analyses it: a table is then analysed each time it about doubles.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.db import DatabaseError, connection

from firmsync.crm.models import Address, Company
from firmsync.enrichment.models import (
    CardHistory,
    FinancialYear,
    Provenance,
    Representative,
    SyncState,
    UsageEntry,
)

__all__ = ["refresh_statistics"]

EVERY = 2.0  # seconds between looks, in one process
_GROWN = 1_000  # changes a table takes before a look finds it stale, whatever its size
_TABLES = (
    Company,
    Address,
    SyncState,
    UsageEntry,
    Provenance,
    FinancialYear,
    Representative,
    CardHistory,
)
_looked = {"at": float("-inf")}  # (this process's last look)
log = logging.getLogger(__name__)


def refresh_statistics(clock: Callable[[], float] = time.monotonic) -> list[str]:
    """On PostgreSQL, analyse the sync's tables that changed by more than half their size
    (and by more than :data:`_GROWN` rows) since their statistics were made, unless this
    process looked less than :data:`EVERY` seconds ago; the tables analysed."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return []  # (inside a caller's transaction: its locks are not ours to hold longer)
    if clock() - _looked["at"] < EVERY:
        return []
    _looked["at"] = clock()
    names = [model._meta.db_table for model in _TABLES]
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT relname FROM pg_stat_user_tables WHERE relname = ANY(%s) "
                "AND n_mod_since_analyze > %s + n_live_tup / 2 ORDER BY relname",
                [names, _GROWN],
            )
            stale = [name for (name,) in cursor.fetchall()]
            for name in stale:  # (names from the models, not from input)
                cursor.execute(f"ANALYZE {connection.ops.quote_name(name)}")
    except DatabaseError as error:  # (a role that does not own the tables): autovacuum's
        log.warning("statistics not refreshed: %s", str(error).splitlines()[0])
        return []
    return stale
