"""The register store: its own database, SQLite by default, PostgreSQL at scale.

The register is large, read-mostly and replaced by newer snapshots, so it lives apart from
the CRM (DESIGN §4.1) and is written with plain SQL: bulk loads go through ``executemany``
on SQLite and ``COPY`` on PostgreSQL.

SQLite is driven through apsw rather than the standard library's ``sqlite3``: bulk loading
is most of an import, and apsw's is the fastest (docs/registry.md, "SQLite bindings").

One row per registration (key: register number plus a ``dup`` counter for the rare register
number published twice), never one per CUI.
"""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import apsw

__all__ = ["FACT_KINDS", "NAME_INDEX_COLUMNS", "RegisterStore"]

BATCH = 20_000

_TABLES = {
    "registration": """
        reg_number TEXT NOT NULL, dup INTEGER NOT NULL DEFAULT 0, cui TEXT, cui_issue TEXT,
        name TEXT NOT NULL, euid TEXT, legal_form TEXT, registered_on TEXT, country TEXT,
        county TEXT, locality TEXT, street TEXT, number TEXT, block TEXT, staircase TEXT,
        floor TEXT, apartment TEXT, postal_code TEXT, sector TEXT, details TEXT, web TEXT,
        parent_country TEXT, old_status_codes TEXT, line INTEGER, first_seen TEXT,
        last_seen TEXT""",
    # Kept apart from registration: a snapshot's statuses replace the table whole, instead of
    # rewriting millions of registration rows in place.
    "registration_status": "reg_number TEXT NOT NULL PRIMARY KEY, status TEXT NOT NULL, codes TEXT",
    "status_label": "code TEXT PRIMARY KEY, label TEXT NOT NULL, category TEXT, rank INTEGER",
    "status_change": """
        reg_number TEXT NOT NULL, snapshot TEXT NOT NULL, old_status TEXT, new_status TEXT,
        old_codes TEXT, new_codes TEXT""",
    "caen_authorised": "reg_number TEXT NOT NULL, code TEXT NOT NULL, revision INTEGER",
    "caen_version": "code TEXT PRIMARY KEY, description TEXT, revision INTEGER",
    "caen_title": "code TEXT NOT NULL, revision INTEGER NOT NULL, title TEXT NOT NULL, "
    "PRIMARY KEY (code, revision)",
    "representative": "reg_number TEXT NOT NULL, name TEXT NOT NULL, role TEXT",
    "financial": """
        cui TEXT NOT NULL, year INTEGER NOT NULL, family TEXT NOT NULL, caen TEXT,
        fixed_assets BIGINT, current_assets BIGINT, inventories BIGINT, receivables BIGINT,
        cash BIGINT, prepaid_expenses BIGINT, total_debts BIGINT, deferred_income BIGINT,
        provisions BIGINT, equity BIGINT, share_capital BIGINT, state_patrimony BIGINT,
        turnover BIGINT, total_revenue BIGINT, total_expenses BIGINT, gross_profit BIGINT,
        gross_loss BIGINT, net_profit BIGINT, net_loss BIGINT, employees BIGINT""",
    "import_run": """
        id {serial}, file TEXT NOT NULL, kind TEXT NOT NULL, snapshot TEXT,
        started TEXT NOT NULL, finished TEXT, rows_read INTEGER, rows_loaded INTEGER,
        rows_rejected INTEGER, problems TEXT""",
    "meta": "key TEXT PRIMARY KEY, value TEXT",
    # The tables of each ONRC snapshot imported (registry/snapshots.py): the register's date
    # (meta ``snapshot``) moves to a snapshot only once they are all in.
    "snapshot_table": "snapshot TEXT NOT NULL, name TEXT NOT NULL, PRIMARY KEY (snapshot, name)",
    # The registrations whose columns in NAME_INDEX_COLUMNS changed, in the order imports
    # changed them: a name index applies those after the last id it has seen.
    "index_change": "id {serial}, reg_number TEXT NOT NULL",
    # The companies whose facts an import changed, by kind (FACT_KINDS), in the order imports
    # changed them: the cards synced to them are made due from the last id they were made
    # due for. ``snapshot``: the ONRC snapshot's date, or the MF year, that brought it.
    "fact_change": "id {serial}, cui TEXT NOT NULL, kind TEXT NOT NULL, snapshot TEXT",
}
# Kept in their key's order on SQLite (no rowid): a registration's state is read and written
# by its register number alone, one B-tree to touch instead of a table and an index.
_CLUSTERED = frozenset({"registration_status"})
# Tables that only ever exist as an import's stage: a status file's codes become the states
# (registration_status, which keeps each registration's codes) and are not kept apart.
_STAGED = {"status_code": "reg_number TEXT NOT NULL, code TEXT NOT NULL"}
# What the name index holds of a registration (``registration_view``'s columns): an import
# records in ``index_change`` every registration whose values of these change.
NAME_INDEX_COLUMNS = ("reg_number", "cui", "name", "county", "locality", "status")
# What an import records in ``fact_change`` of a company: its name, its registered office,
# its state, its authorised CAEN codes, its register number (a registration of its CUI under
# a new number), a financial year the register did not have, or a registration of a CUI the
# register did not know.
FACT_KINDS = ("name", "address", "status", "caen", "reg_number", "financial_year", "new")
# A registration in the newest registrations file has no last_seen of its own: it reads as
# that file's snapshot, so that a new snapshot need not rewrite every row that is unchanged.
_SNAPSHOT = "(SELECT value FROM meta WHERE key = 'snapshot')"


def _registration_view() -> str:
    """registration_view's query: each registration with its status (``unknown`` if none)
    and the snapshot it was last seen in."""
    columns = [
        column.split()[0]
        for column in " ".join(_TABLES["registration"].split()).split(", ")
        if not column.startswith("last_seen")
    ]
    selected = ", ".join(f"r.{column}" for column in columns)
    return (
        f"SELECT {selected}, COALESCE(r.last_seen, {_SNAPSHOT}) AS last_seen, "
        "COALESCE(s.status, 'unknown') AS status, s.codes AS status_codes "
        "FROM registration AS r LEFT JOIN registration_status AS s ON s.reg_number = r.reg_number"
    )


_INDEXES = {
    "registration": ("reg_number", "cui"),
    # Covering: registration_view's join reads the status from the index alone.
    "registration_status": ("reg_number, status",),
    "status_change": ("reg_number",),
    "caen_authorised": ("reg_number",),
    "representative": ("reg_number",),
    "financial": ("cui, year",),
    "fact_change": ("cui",),
}


class RegisterStore:
    """A connection to the register database with the few operations the importer needs."""

    def __init__(self, url: str, *, schema: str | None = None, create: bool = True) -> None:
        self.url = url
        self._closed = False
        parsed = urlparse(url)
        if parsed.scheme in ("postgres", "postgresql"):
            import psycopg

            self.dialect = "postgresql"
            self.connection: Any = psycopg.connect(
                url.replace("postgres://", "postgresql://", 1), autocommit=True
            )
            if schema:
                with self.connection.cursor() as cursor:
                    cursor.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
                    cursor.execute(f'SET search_path TO "{schema}"')
        elif parsed.scheme == "sqlite":
            self.dialect = "sqlite"
            path = url[len("sqlite:///") :] if url.startswith("sqlite:///") else parsed.path
            if path not in ("", ":memory:"):
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            self.path = path
            self.connection = apsw.Connection(path or ":memory:")
            self.connection.set_busy_timeout(60_000)
            # WAL: the web app reads while an import writes. threads: index builds sort on
            # every core (docs/registry.md has the figures).
            for pragma in (
                "journal_mode=WAL",
                "synchronous=NORMAL",
                "cache_size=-262144",
                "temp_store=FILE",
                f"threads={min(os.cpu_count() or 1, 8)}",
            ):
                self.connection.execute(f"PRAGMA {pragma}")
        else:
            raise ValueError(f"register URL must be sqlite:///PATH or postgres://…, not {url!r}")
        if create:
            self.create_schema()

    # --- plumbing ----------------------------------------------------------------------
    # Statements are written for the store's driver: parameters are the driver's marks
    # (``mark``, ``marks(n)``) and their values are always bound by the driver.
    @property
    def mark(self) -> str:
        """The driver's parameter mark: ``?`` (apsw) or ``%s`` (psycopg)."""
        return "%s" if self.dialect == "postgresql" else "?"

    @property
    def distinct(self) -> str:
        """The operator for "differs, a NULL compared as a value": ``IS NOT`` in SQLite,
        ``IS DISTINCT FROM`` in PostgreSQL."""
        return "IS NOT" if self.dialect == "sqlite" else "IS DISTINCT FROM"

    def marks(self, count: int) -> str:
        """``count`` parameter marks, comma-separated, for ``IN (…)`` and ``VALUES (…)``."""
        return ", ".join([self.mark] * count)

    def execute(self, sql: str, params: Iterable[Any] = ()) -> None:
        self.connection.execute(sql, tuple(params))

    def query(self, sql: str, params: Iterable[Any] = ()) -> list[tuple[Any, ...]]:
        return [tuple(row) for row in self.connection.execute(sql, tuple(params))]

    def batches(
        self, sql: str, params: Iterable[Any] = (), *, size: int = 50_000
    ) -> Iterator[list[tuple[Any, ...]]]:
        """The rows of ``sql`` in lists of at most ``size``, never all in memory at once."""
        if self.dialect == "sqlite":
            rows = self.connection.execute(sql, tuple(params))
            while batch := [tuple(row) for row in itertools.islice(rows, size)]:
                yield batch
            return
        # A server-side cursor, so that PostgreSQL sends the rows as they are read.
        with self.connection.transaction(), self.connection.cursor(name="batches") as cursor:
            cursor.itersize = size
            cursor.execute(sql, tuple(params))
            while batch := cursor.fetchmany(size):
                yield [tuple(row) for row in batch]

    def scalar(self, sql: str, params: Iterable[Any] = ()) -> Any:
        rows = self.query(sql, params)
        return rows[0][0] if rows else None

    @contextmanager
    def transaction(self) -> Iterator[None]:
        if self.dialect == "sqlite":
            self.connection.execute("BEGIN")
            try:
                yield
            except BaseException:
                self.connection.execute("ROLLBACK")
                raise
            self.connection.execute("COMMIT")
        else:
            with self.connection.transaction():
                yield

    @property
    def usable(self) -> bool:
        """Whether the connection still works: one PostgreSQL dropped (a restart, a
        terminated backend) does not, and its holder opens another."""
        if self.dialect == "postgresql":
            return not (self.connection.closed or self.connection.broken)
        return not self._closed

    def close(self) -> None:
        self._closed = True
        self.connection.close()

    # --- schema ------------------------------------------------------------------------
    def _create(
        self,
        table: str,
        name: str | None = None,
        defaults: dict[str, str] | None = None,
        *,
        unlogged: bool | None = None,
    ) -> None:
        """``table``'s definition under ``name``; a stage (``name`` given) is unlogged on
        PostgreSQL unless ``unlogged`` says otherwise."""
        serial = "BIGSERIAL PRIMARY KEY" if self.dialect == "postgresql" else "INTEGER PRIMARY KEY"
        columns = {**_TABLES, **_STAGED}[table].format(serial=serial)
        for column, value in (defaults or {}).items():
            quoted = value.replace("'", "''")
            columns = re.sub(rf"\b{column} TEXT\b", f"{column} TEXT DEFAULT '{quoted}'", columns)
        if unlogged is None:
            unlogged = name is not None
        prefix = "UNLOGGED " if self.dialect == "postgresql" and unlogged else ""
        suffix = " WITHOUT ROWID" if self.dialect == "sqlite" and table in _CLUSTERED else ""
        self.execute(f"CREATE {prefix}TABLE IF NOT EXISTS {name or table} ({columns}){suffix}")

    def create_table(self, table: str) -> None:
        """``table`` of the current schema with its indexes, if it does not exist yet."""
        self._create(table)
        self.create_indexes(table)

    def create_indexes(self, table: str) -> None:
        if self.dialect == "sqlite" and table in _CLUSTERED:
            return  # the table is its own index
        for columns in _INDEXES.get(table, ()):
            name = f"{table}_{columns.replace(', ', '_')}"
            self.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({columns})")

    def create_schema(self) -> None:
        """A new register gets the current schema; an older one is migrated forward
        (:mod:`firmsync.registry.schema`); a newer one is refused."""
        from firmsync.registry import schema

        if not self.has_table("registration"):
            for table in _TABLES:
                self._create(table)
                self.create_indexes(table)
            self.create_views()
            self.set_meta(schema.KEY, str(schema.VERSION))
            return
        schema.migrate(self)

    def has_table(self, table: str) -> bool:
        if self.dialect == "postgresql":
            return self.scalar("SELECT to_regclass(%s)", (table,)) is not None
        return self.scalar("SELECT 1 FROM sqlite_master WHERE name = ?", (table,)) is not None

    def create_views(self) -> None:
        """``registration_view``: each registration with its status (``unknown`` if none)."""
        create = (
            "CREATE OR REPLACE VIEW"
            if self.dialect == "postgresql"
            else ("CREATE VIEW IF NOT EXISTS")
        )
        self.execute(f"{create} registration_view AS {_registration_view()}")

    # Reading every registration in parallel: each worker of a name index build reads a
    # range of its own, rather than one process reading every row for the others (the
    # view's join is most of the reading: docs/matching.md has the figures).
    def row_ranges(self, size: int) -> list[tuple[int, int]]:
        """Ranges of ``registration``'s rows, of about ``size`` rows each, covering the
        table in its stored order, for :meth:`registrations_in`: rowids, first and last
        (SQLite); pages, first and the one after the last (PostgreSQL)."""
        if self.dialect == "sqlite":
            low, high = self.query("SELECT MIN(rowid), MAX(rowid) FROM registration")[0]
            if low is None:
                return []
            return [(start, min(start + size - 1, high)) for start in range(low, high + 1, size)]
        pages, density = self.query(
            "SELECT pg_relation_size(oid) / current_setting('block_size')::int, "
            "CASE WHEN relpages > 0 AND reltuples > 0 THEN reltuples / relpages END "
            "FROM pg_class WHERE oid = 'registration'::regclass"
        )[0]
        if not pages:
            return []
        if density is None:  # never analysed: count
            density = (self.scalar("SELECT COUNT(*) FROM registration") or 1) / pages
        step = max(1, round(size / density))
        return [(start, min(start + step, pages)) for start in range(0, pages, step)]

    def registrations_in(self, low: int, high: int, columns: str) -> list[tuple[Any, ...]]:
        """``columns`` of ``registration_view`` for the rows of one of :meth:`row_ranges`."""
        if self.dialect == "sqlite":
            return self.query(
                f"SELECT {columns} FROM ({_registration_view()} WHERE r.rowid BETWEEN ? AND ?)",
                (low, high),
            )
        # The pages are read by a TID range scan (PostgreSQL 14 and later), no index needed.
        # Left to itself the planner hashes the whole of registration_status for each range;
        # each row's state looked up by its register number costs the range its own rows.
        with self.transaction():
            for setting in ("enable_hashjoin", "enable_mergejoin", "jit"):
                self.execute(f"SET LOCAL {setting} = off")
            return self.query(
                f"SELECT {columns} FROM ({_registration_view()} "
                "WHERE r.ctid >= %s::tid AND r.ctid < %s::tid) AS v",
                (f"({low},0)", f"({high},0)"),
            )

    def drop_table(self, table: str) -> None:
        """Drop a table, and the view over the register (``create_views`` restores it)."""
        self.execute("DROP VIEW IF EXISTS registration_view")
        self.execute(f"DROP TABLE IF EXISTS {table}")

    def recreate(
        self,
        table: str,
        *,
        stage: bool = False,
        defaults: dict[str, str] | None = None,
        unlogged: bool | None = None,
    ) -> str:
        """An empty copy of ``table`` without indexes (``stage_<table>`` when staging);
        ``defaults`` fills text columns a load leaves out (a snapshot date, say). A stage
        that becomes the table itself is made with ``unlogged=False``."""
        name = f"stage_{table}" if stage else table
        self.execute(f"DROP TABLE IF EXISTS {name}")
        self._create(table, name if stage else None, defaults, unlogged=unlogged)
        return name

    def drop_stages(self) -> None:
        """Drop every import's stage table (``stage_*``) there is."""
        if self.dialect == "postgresql":
            names = self.query(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                "AND tablename LIKE 'stage\\_%%'"  # %% : psycopg's parameter marks
            )
        else:
            names = self.query(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'stage\\_%' "
                "ESCAPE '\\'"
            )
        for (name,) in names:
            self.drop_table(name)

    def is_empty(self, table: str) -> bool:
        return self.scalar(f"SELECT 1 FROM {table} LIMIT 1") is None

    # --- bulk load ---------------------------------------------------------------------
    def bulk_load(
        self,
        table: str,
        columns: tuple[str, ...],
        rows: Iterable[tuple[Any, ...]],
        *,
        progress: Callable[[int], None] | None = None,
    ) -> int:
        """Append ``rows`` to ``table``, COPY on PostgreSQL; returns how many.

        ``progress`` is called with the number of rows of each batch written.
        """
        count = 0
        names = ", ".join(columns)
        iterator = iter(rows)
        if self.dialect == "postgresql":
            with (
                self.connection.cursor() as cursor,
                cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
            ):
                while batch := list(itertools.islice(iterator, BATCH)):
                    for row in batch:
                        copy.write_row(row)
                    count += len(batch)
                    if progress:
                        progress(len(batch))
            return count
        sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' * len(columns))})"
        self.connection.execute("PRAGMA synchronous=OFF")
        try:
            self.connection.execute("BEGIN")
            while batch := list(itertools.islice(iterator, BATCH)):
                self.connection.executemany(sql, batch)
                count += len(batch)
                if progress:
                    progress(len(batch))
            self.connection.execute("COMMIT")
        except BaseException:
            if not self.connection.get_autocommit():
                self.connection.execute("ROLLBACK")
            raise
        finally:
            self.connection.execute("PRAGMA synchronous=NORMAL")
        return count

    def insert_many(
        self, table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]
    ) -> None:
        """Insert a few rows inside the caller's transaction (``bulk_load`` commits its own)."""
        if rows:
            names = ", ".join(columns)
            sql = f"INSERT INTO {table} ({names}) VALUES ({self.marks(len(columns))})"
            if self.dialect == "postgresql":
                with self.connection.cursor() as cursor:
                    cursor.executemany(sql, rows)
            else:
                self.connection.executemany(sql, rows)

    def delete_meta(self, key: str) -> None:
        self.execute(f"DELETE FROM meta WHERE key = {self.mark}", (key,))

    def set_meta(self, key: str, value: str) -> None:
        self.execute(f"DELETE FROM meta WHERE key = {self.mark}", (key,))
        self.execute(f"INSERT INTO meta (key, value) VALUES ({self.marks(2)})", (key, value))

    def meta(self, key: str) -> str | None:
        value = self.scalar(f"SELECT value FROM meta WHERE key = {self.mark}", (key,))
        return str(value) if value is not None else None


def ingest_batches(
    path: str,
    table: str,
    batches: Iterable[Any],
    *,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Append Arrow record batches to ``table`` of the SQLite file at ``path``; returns rows.

    The ADBC SQLite driver inserts straight from Arrow memory, in C: the fastest way to load
    the columnar parser's batches (docs/registry.md, "SQLite bindings"). Each batch is
    its own transaction, so several processes can load one table in turns. The driver carries
    its own SQLite library, so call this only from a process that has no connection of its
    own open on the file (the importer's worker processes), or two copies of SQLite in one
    process could release each other's file locks.
    """
    import adbc_driver_sqlite.dbapi

    count = 0
    with adbc_driver_sqlite.dbapi.connect(path, autocommit=True) as connection:
        cursor = connection.cursor()
        # One transaction a batch: several processes may take turns at the write lock.
        cursor.execute("PRAGMA busy_timeout=600000")
        cursor.execute("PRAGMA synchronous=OFF")
        try:
            for batch in batches:
                if batch.num_rows:
                    cursor.adbc_ingest(table, batch, mode="append")
                    count += batch.num_rows
                    if progress:
                        progress(batch.num_rows)
        finally:
            cursor.close()
    return count
