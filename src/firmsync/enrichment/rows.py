"""Plain SQL on a model's table, for the sync's hot path.

Why not the ORM there: Django spends about 0.25 ms building each statement (measured on a
card's provenance: ``filter().values_list()`` 260 µs, the same SQL through the cursor 26 µs)
and a card's sync runs about fifteen, while the backfill's target — 1,000 cards a second —
leaves 1 ms a card for everything. Everything else still goes through the ORM. Table and
column names, and the conversion of values to and from the database, come from the model's
fields, so a change to a model reaches this code. The statements run on Django's connection,
inside its transactions, through the database driver's own cursor (:func:`cursor`: one for
all of a card's statements) — Django's wrapper around it rewrites every statement's
placeholders with a regular expression, which cost more than a small statement.

>>> from firmsync.enrichment.models import Representative
>>> Table(Representative, "name", "role").columns
'"name", "role"'
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from json.encoder import encode_basestring_ascii  # type: ignore[attr-defined]
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.db.backends.base.base import BaseDatabaseWrapper

__all__ = ["Cursor", "Table", "cursor"]

Converter = Callable[[Any, Any, Any], Any]
Preparer = Callable[[Any, BaseDatabaseWrapper], Any]
# Fields whose values go to every database as they are; the others (JSON, dates, times,
# decimals) are prepared by the field, as the ORM would.
_AS_IS = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "FloatField",
    "ForeignKey",
    "IntegerField",
    "OneToOneField",
    "PositiveBigIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SmallIntegerField",
    "TextField",
}


def _preparer(field: models.Field) -> Preparer | None:
    """How a value of ``field`` goes to the database: for JSON, dates and times the ORM's own
    last step (the database's adapter, as ``Field.get_db_prep_value`` calls it), without the
    conversions above it that values of the right Python type do not need."""
    kind = field.get_internal_type()
    if kind in _AS_IS:
        return None
    if kind == "JSONField":
        encoder = field.encoder  # type: ignore[attr-defined]

        def prepare(value: Any, db: BaseDatabaseWrapper) -> Any:
            if value is None:
                return None
            if encoder is None and db.vendor == "sqlite":
                return _json_text(value)
            return db.ops.adapt_json_value(value, encoder)

        return prepare
    if kind == "DateTimeField":
        return _datetime_preparer()
    if kind == "DateField":
        return lambda value, db: db.ops.adapt_datefield_value(value)
    return field.get_db_prep_save


def _json_text(value: Any) -> str:
    r"""The JSON text ``json.dumps`` writes, which is what Django stores in SQLite: a string,
    an integer or a boolean — most of what a sync writes — without ``json.dumps``'s layers
    (a card's sync writes some thirty values: they cost 4% of it).

    >>> _json_text("Ștefan"), _json_text(12), _json_text(True), _json_text([1, None])
    ('"\\u0218tefan"', '12', 'true', '[1, null]')
    """
    kind = type(value)
    if kind is str:
        return encode_basestring_ascii(value)
    if kind is int:
        return int.__repr__(value)
    if kind is bool:
        return "true" if value else "false"
    return json.dumps(value)


def _datetime_preparer() -> Preparer:
    """A sync writes one moment into several rows of a card (and of the cards after it):
    adapting it once is enough."""
    last: tuple[Any, Any, Any] = (None, None, None)  # value, database, adapted

    def prepare(value: Any, db: BaseDatabaseWrapper) -> Any:
        nonlocal last
        seen = last  # one read: another thread may replace it meanwhile
        if seen[0] is value and seen[1] is db:
            return seen[2]
        adapted = db.ops.adapt_datetimefield_value(value)
        last = (value, db, adapted)
        return adapted

    return prepare


@dataclass(frozen=True)
class Cursor:
    """The driver's cursor on Django's connection, and how its statements mark parameters."""

    db: BaseDatabaseWrapper
    raw: Any  # the DB-API cursor
    mark: str  # "?" (sqlite3) or "%s" (psycopg)

    def execute(self, sql: str, params: Sequence[Any], *, marked: bool = False) -> Any:
        """``sql`` with ``%s`` for parameters (``marked``: already in the driver's marks)."""
        with self.db.wrap_database_errors:  # Django's exceptions, as the ORM raises them
            return self.raw.execute(sql if marked else self.marked(sql), params)

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]], *, marked: bool = False) -> Any:
        with self.db.wrap_database_errors:
            return self.raw.executemany(sql if marked else self.marked(sql), rows)

    def marked(self, sql: str) -> str:
        return sql if self.mark == "%s" else sql.replace("%s", self.mark)


@contextmanager
def cursor(alias: str = DEFAULT_DB_ALIAS) -> Iterator[Cursor]:
    """A cursor for plain statements (``%s`` for parameters, whatever the database)."""
    db = connections[alias]
    db.ensure_connection()
    raw = db.connection.cursor()
    try:
        yield Cursor(db, raw, "?" if db.vendor == "sqlite" else "%s")
    finally:
        raw.close()


class Table:
    """A model's table; ``names``: the fields :meth:`select` reads and :meth:`insert` writes,
    in that order (:meth:`update` may set any field). ``where`` clauses name columns."""

    def __init__(self, model: type[models.Model], *names: str) -> None:
        meta = model._meta
        self.names = names
        self.fields = [meta.get_field(name) for name in names]
        quote = connection.ops.quote_name
        self.table = quote(meta.db_table)
        self._column = {f.name: quote(f.column) for f in meta.concrete_fields}
        self._preparer = {f.name: _preparer(f) for f in meta.concrete_fields}
        self.columns = self._list(names)
        # (the positions of the fields whose values need preparing, and how)
        self._preparers = [
            (i, prepare) for i, name in enumerate(names) if (prepare := self._preparer[name])
        ]
        self._readers: dict[str, list[tuple[Any, list[Converter]]]] = {}  # per database
        self._statements: dict[tuple, str] = {}  # (marks, shape) → SQL

    def _sql(self, cursor: Cursor, shape: tuple, build: Callable[[], str]) -> str:
        """The statement of this ``shape``, in the cursor's marks: built once (a sync runs
        the same dozen statements for every card)."""
        key = (cursor.mark, *shape)
        sql = self._statements.get(key)
        if sql is None:
            sql = self._statements[key] = cursor.marked(build())
        return sql

    def _list(self, names: Iterable[str]) -> str:
        return ", ".join(self._column[name] for name in names)

    def _prep(self, name: str, value: Any, db: BaseDatabaseWrapper) -> Any:
        prepare = self._preparer[name]
        return prepare(value, db) if prepare else value

    def _prepared(self, rows: Iterable[Sequence[Any]], db: BaseDatabaseWrapper) -> list:
        prepared = []
        for row in rows:
            values = list(row)
            for i, prepare in self._preparers:
                values[i] = prepare(values[i], db)
            prepared.append(values)
        return prepared

    def _converters(self, db: BaseDatabaseWrapper) -> list[tuple[Any, list[Converter]]]:
        """What Django's compiler applies to each selected column (dates and booleans from
        SQLite, JSON text): found once per database."""
        readers = self._readers.get(db.vendor)
        if readers is None:
            readers = []
            for field in self.fields:
                column = field.get_col(field.model._meta.db_table)  # type: ignore[union-attr]
                converters = [*db.ops.get_db_converters(column), *column.get_db_converters(db)]
                readers.append((column, converters))
            self._readers[db.vendor] = readers
        return readers

    def select(
        self, cursor: Cursor, where: str, params: Sequence[Any], *, lock: bool = False
    ) -> list[dict[str, Any]]:
        """Rows as dicts of the table's fields. ``lock``: ``FOR UPDATE`` where the database
        has row locks (SQLite's transaction holds the whole file already)."""
        db = cursor.db

        def build() -> str:
            sql = f"SELECT {self.columns} FROM {self.table} WHERE {where}"
            if lock and db.features.has_select_for_update:
                sql += " FOR UPDATE"
            return sql

        readers = self._converters(db)
        cursor.execute(self._sql(cursor, ("select", where, lock), build), params, marked=True)
        found = []
        for row in cursor.raw.fetchall():
            values = {}
            for name, value, (column, converters) in zip(self.names, row, readers, strict=True):
                for convert in converters:
                    value = convert(value, column, db)
                values[name] = value
            found.append(values)
        return found

    def insert(
        self, cursor: Cursor, rows: Iterable[Sequence[Any]], *, unless: Sequence[str] = ()
    ) -> int:
        """Rows given as values in the table's field order; how many were inserted.
        ``unless``: the fields of a unique constraint — a row that would break it is left
        out (``ON CONFLICT DO NOTHING``)."""
        prepared = self._prepared(rows, cursor.db)
        if not prepared:
            return 0

        def build() -> str:
            marks = ", ".join(["%s"] * len(self.names))
            sql = f"INSERT INTO {self.table} ({self.columns}) VALUES ({marks})"
            if unless:
                sql += f" ON CONFLICT ({self._list(unless)}) DO NOTHING"
            return sql

        cursor.executemany(self._sql(cursor, ("insert", *unless), build), prepared, marked=True)
        return cursor.raw.rowcount

    def upsert(self, cursor: Cursor, row: Sequence[Any], keys: Sequence[str]) -> None:
        """One row (values in field order): inserted, or written over the row that has the
        same ``keys`` (fields of a unique constraint)."""

        def build() -> str:
            marks = ", ".join(["%s"] * len(self.names))
            sets = ", ".join(
                f"{self._column[name]} = excluded.{self._column[name]}"
                for name in self.names
                if name not in keys
            )
            return (
                f"INSERT INTO {self.table} ({self.columns}) VALUES ({marks}) "
                f"ON CONFLICT ({self._list(keys)}) DO UPDATE SET {sets}"
            )

        sql = self._sql(cursor, ("upsert", *keys), build)
        cursor.execute(sql, self._prepared([row], cursor.db)[0], marked=True)

    def increment(self, cursor: Cursor, keys: Mapping[str, Any], field: str) -> int:
        """Add one to ``field`` of the row with these ``keys`` (a unique constraint's
        fields), created at 1 if there is none; the new value. Atomic: concurrent callers
        each get their own value."""

        def build() -> str:
            names = [*keys, field]
            column = self._column[field]
            return (
                f"INSERT INTO {self.table} ({self._list(names)}) "
                f"VALUES ({', '.join(['%s'] * len(names))}) "
                f"ON CONFLICT ({self._list(keys)}) "
                f"DO UPDATE SET {column} = {self.table}.{column} + 1 RETURNING {column}"
            )

        sql = self._sql(cursor, ("increment", *keys, field), build)
        params = [*(self._prep(n, v, cursor.db) for n, v in keys.items()), 1]
        cursor.execute(sql, params, marked=True)
        (value,) = cursor.raw.fetchone()
        return value

    def update(
        self, cursor: Cursor, values: Mapping[str, Any], where: str, params: Sequence[Any]
    ) -> int:
        """Set ``values`` (field name → value) on the rows ``where`` picks; how many."""
        if not values:
            return 0

        def build() -> str:
            sets = ", ".join(f"{self._column[name]} = %s" for name in values)
            return f"UPDATE {self.table} SET {sets} WHERE {where}"

        sql = self._sql(cursor, ("update", where, *values), build)
        prepared = [self._prep(name, value, cursor.db) for name, value in values.items()]
        cursor.execute(sql, [*prepared, *params], marked=True)
        return cursor.raw.rowcount

    def delete(self, cursor: Cursor, where: str, params: Sequence[Any]) -> int:
        cursor.execute(f"DELETE FROM {self.table} WHERE {where}", params)
        return cursor.raw.rowcount
