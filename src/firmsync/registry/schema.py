"""The register's schema version and its forward migrations.

A register records the version of its schema in ``meta`` (``schema_version``). Opening one
of an older version migrates it forward, step by step, each step in one transaction where
the database allows; opening one of a newer version than this firmsync knows is refused
(an older firmsync would misread it). A register made before versions existed is version 1.

Migrations are short lists of statements on fixed identifiers; they never touch the rows'
values, which a newer snapshot import rewrites anyway.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from firmsync.registry.store import RegisterStore

__all__ = ["KEY", "VERSION", "SchemaTooNew", "migrate", "version_of"]

KEY = "schema_version"


class SchemaTooNew(RuntimeError):
    """The register was written by a newer firmsync."""


def _financial_by_year(store: RegisterStore) -> None:
    """2: a company's financial years are read newest first: index them by CUI and year."""
    store.execute("DROP INDEX IF EXISTS financial_cui")
    store.create_indexes("financial")


def _index_changes(store: RegisterStore) -> None:
    """3: imports record the registrations whose indexed names, places or statuses changed."""
    store.create_table("index_change")


def _changed_lines_only(store: RegisterStore) -> None:
    """4: a registration in the newest registrations file reads its last_seen from the
    snapshot (registration_view); ``status_code`` goes: each state keeps its codes."""
    store.execute("DROP VIEW IF EXISTS registration_view")
    store.create_views()
    store.execute("DROP TABLE IF EXISTS status_code")


def _snapshot_tables(store: RegisterStore) -> None:
    """5: the tables of each snapshot are recorded, and the register's date moves only once
    a snapshot's are all in; the date of the newest registrations file gets a key of its
    own. The snapshot a register shows stands as complete (it has no record)."""
    store.create_table("snapshot_table")
    snapshot = store.meta("snapshot")
    if snapshot is not None:
        store.set_meta("registrations_snapshot", snapshot)


def _fact_changes(store: RegisterStore) -> None:
    """6: imports record the companies whose facts changed, for their cards to sync again."""
    store.create_table("fact_change")


# version → the step that brings a register of the version before it there.
STEPS: dict[int, Callable[[RegisterStore], None]] = {
    2: _financial_by_year,
    3: _index_changes,
    4: _changed_lines_only,
    5: _snapshot_tables,
    6: _fact_changes,
}
VERSION = max(STEPS)


def version_of(store: RegisterStore) -> int:
    value = store.meta(KEY)
    return int(value) if value is not None else 1


def migrate(store: RegisterStore) -> list[int]:
    """Bring ``store`` to :data:`VERSION`; the versions it went through."""
    current = version_of(store)
    if current > VERSION:
        raise SchemaTooNew(
            f"the register at {store.url} has schema version {current}, newer than this "
            f"firmsync's {VERSION}: upgrade firmsync, or import into a new register"
        )
    done = []
    for version in range(current + 1, VERSION + 1):
        with store.transaction():
            STEPS[version](store)
            store.set_meta(KEY, str(version))
        done.append(version)
    return done
