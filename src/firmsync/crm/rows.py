"""Key lookups of the API's hottest reads, as model instances, without compiling a queryset.

A token's check (every request) and a card's read are a handful of lookups by key.
Compiling a queryset for each costs several times what the database then does, and on
PostgreSQL each query is also a round trip: :func:`rows` reads one table through
``Manager.raw``; :func:`one_with` reads a row and its related rows in one query, as
``select_related`` would. Both give the instances and value conversions the ORM gives
(figures in ``docs/api.md``). Everything else uses querysets.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any, TypeVar

from django.db import connections, router
from django.db.models import Field, ForeignKey, Model, OneToOneRel
from django.db.models.sql import Query

__all__ = ["one_with", "rows"]

M = TypeVar("M", bound=Model)


def _alias(model: type[Model]) -> str:
    return router.db_for_read(model) or "default"


def _where(model: type[Model], table: str, names: tuple[str, ...], alias: str) -> str:
    quote = connections[alias].ops.quote_name
    meta = model._meta
    return " AND ".join(
        f"{table}.{quote(meta.get_field(name.removesuffix('__isnull')).column)} IS NULL"
        if name.endswith("__isnull")
        else f"{table}.{quote(meta.get_field(name).column)} = %s"
        for name in names
    )


def _params(where: dict[str, Any]) -> list[Any]:
    assert all(where[name] is True for name in where if name.endswith("__isnull"))
    return [value for name, value in where.items() if not name.endswith("__isnull")]


@cache
def _rows_sql(model: type[Model], alias: str, names: tuple[str, ...], order: str) -> str:
    table = connections[alias].ops.quote_name(model._meta.db_table)
    sql = f"SELECT * FROM {table} WHERE {_where(model, table, names, alias)}"
    if order:
        column = connections[alias].ops.quote_name(model._meta.get_field(order.lstrip("-")).column)
        sql += f" ORDER BY {column}{' DESC' if order.startswith('-') else ''}"
    return sql


def rows(model: type[M], *, order: str = "", **where: Any) -> list[M]:
    """``model``'s rows whose fields equal ``where`` (``field__isnull=True``: IS NULL), in
    ``order`` (a field, ``-`` before it for descending; none: the database's)."""
    sql = _rows_sql(model, _alias(model), tuple(where), order)
    return list(model._default_manager.raw(sql, _params(where)))


class _Join:
    """One table of a :func:`one_with` query: its model, columns and how it hangs on."""

    def __init__(self, model: type[Model], attach: Callable[[Model, Model | None], None]):
        self.model = model
        self.fields: list[Field[Any, Any]] = list(model._meta.concrete_fields)
        self.attach = attach


@cache
def _joined(
    model: type[Model], related: tuple[str, ...], names: tuple[str, ...], alias: str
) -> tuple[str, list[_Join], list[tuple[int, int]]]:
    """The SQL, the tables (the first is ``model``'s) and, for each related table, the index
    of the table it hangs on."""
    quote = connections[alias].ops.quote_name
    joins = [_Join(model, lambda parent, child: None)]
    parents: list[tuple[int, int]] = []
    tables = {"": 0}
    clauses = []
    for path in related:
        parent_path, _, name = path.rpartition("__")
        parent = tables[parent_path]
        relation = joins[parent].model._meta.get_field(name)
        table = f"t{len(joins)}"
        parent_table = f"t{parent}"
        if isinstance(relation, ForeignKey):  # the parent's column names the row
            target = relation.related_model
            key = quote(target._meta.pk.column)
            on = f"{table}.{key} = {parent_table}.{quote(relation.column)}"
            kind = "JOIN" if not relation.null else "LEFT JOIN"
            joins.append(_Join(target, _forward(relation)))
        elif isinstance(relation, OneToOneRel):  # the row names the parent: may be missing
            target = relation.related_model
            pk = joins[parent].model._meta.pk.column
            on = f"{table}.{quote(relation.field.column)} = {parent_table}.{quote(pk)}"
            kind = "LEFT JOIN"
            joins.append(_Join(target, _reverse(relation)))
        else:
            raise ValueError(f"{path}: not a foreign key or a one-to-one relation")
        clauses.append(f"{kind} {quote(target._meta.db_table)} {table} ON {on}")
        tables[path] = len(joins) - 1
        parents.append((len(joins) - 1, parent))
    columns = ", ".join(
        f"t{n}.{quote(field.column)}" for n, join in enumerate(joins) for field in join.fields
    )
    sql = (
        f"SELECT {columns} FROM {quote(model._meta.db_table)} t0 {' '.join(clauses)} "
        f"WHERE {_where(model, 't0', names, alias)}"
    )
    return sql, joins, parents


def _forward(field: ForeignKey) -> Callable[[Model, Model | None], None]:
    def attach(parent: Model, child: Model | None) -> None:
        field.set_cached_value(parent, child)

    return attach


def _reverse(relation: OneToOneRel) -> Callable[[Model, Model | None], None]:
    def attach(parent: Model, child: Model | None) -> None:
        relation.set_cached_value(parent, child)  # None: a missing row, as select_related
        if child is not None:
            relation.field.set_cached_value(child, parent)

    return attach


def one_with(model: type[M], related: tuple[str, ...], **where: Any) -> M | None:
    """The row of ``model`` whose fields equal ``where``, with its ``related`` rows loaded
    (paths of foreign keys and one-to-one relations, as ``select_related`` takes them) in
    one query; ``None`` when there is no such row."""
    alias = _alias(model)
    sql, joins, parents = _joined(model, related, tuple(where), alias)
    connection = connections[alias]
    with connection.cursor() as cursor:
        cursor.execute(sql, _params(where))
        found = cursor.fetchone()
    if found is None:
        return None
    # The ORM's own conversions of the database's values, as Manager.raw applies them.
    compiler = connection.ops.compiler("SQLCompiler")(Query(model), connection, alias)
    columns = [field.get_col(join.model._meta.db_table) for join in joins for field in join.fields]
    converters = compiler.get_converters(columns)
    (values,) = compiler.apply_converters([found], converters) if converters else [found]
    instances: list[Model | None] = []
    start = 0
    for join in joins:
        part = values[start : start + len(join.fields)]
        start += len(join.fields)
        pk = part[join.fields.index(join.model._meta.pk)]
        attnames = [field.attname for field in join.fields]
        instances.append(None if pk is None else join.model.from_db(alias, attnames, list(part)))
    for child, parent in parents:
        if instances[parent] is not None:
            joins[child].attach(instances[parent], instances[child])
    return instances[0]  # type: ignore[return-value]
