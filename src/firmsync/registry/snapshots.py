"""The ONRC snapshots a register holds, table by table, and when its date moves.

ONRC publishes a snapshot as several files (onrc-open-data.md §2), imported one at a time.
Each file that brought rows is recorded against its snapshot date (``snapshot_table``), and
the register's date (meta ``snapshot``: what ``registry stats`` and every card's ``as_of``
show) moves to a newer snapshot only once all of that snapshot's tables are in
(:data:`CURRENT_LAYOUT`, or :data:`OLD_LAYOUT` for the snapshots published before 2025).
Until then that snapshot is *partial*: an import stopped half-way, or a file that held no
rows, never dates the register with a snapshot whose statuses it does not have.

A register made before this record existed has none for the snapshot it shows: that date
stands as complete, and only a newer complete snapshot replaces it.

>>> missing({"OD_FIRME", "OD_STARE_FIRMA"})
['OD_CAEN_AUTORIZAT', 'OD_REPREZENTANTI_LEGALI']
>>> table_of(Path("firme-02-09-2026/OD_FIRME.CSV")), table_of(Path("N_CAEN.CSV"))
('OD_FIRME', None)
>>> table_of(Path("3firme_neradiate_cu_sediu_18-03-2025.csv"))
'FIRME_NERADIATE_CU_SEDIU'
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from firmsync.registry.store import RegisterStore

__all__ = [
    "CURRENT_LAYOUT",
    "OLD_LAYOUT",
    "Partial",
    "missing",
    "partial",
    "record",
    "table_of",
]

# The tables every card's register facts come from (name and address, statuses, authorised
# CAEN, representatives): a snapshot lacking one would date the card with another's data.
CURRENT_LAYOUT = ("OD_FIRME", "OD_STARE_FIRMA", "OD_CAEN_AUTORIZAT", "OD_REPREZENTANTI_LEGALI")
# Until about March 2025 the registrations came in four parts, statuses inline; the leading
# digit of their names is left out, as the sources disagree on it.
OLD_LAYOUT = (
    "FIRME_NERADIATE_FARA_SEDIU",
    "FIRME_RADIATE_FARA_SEDIU",
    "FIRME_NERADIATE_CU_SEDIU",
    "FIRME_RADIATE_CU_SEDIU",
)
# Recorded when imported, needed by no snapshot: not every snapshot has family enterprises.
_OPTIONAL = ("OD_REPREZENTANTI_IF",)
_OLD_NAME = re.compile(r"[1-4](FIRME_(?:NE)?RADIATE_(?:CU|FARA)_SEDIU)")


@dataclass(frozen=True)
class Partial:
    """A snapshot newer than the register's date with some of its tables in."""

    snapshot: str
    tables: list[str]
    missing: list[str]

    def to_dict(self) -> dict[str, object]:
        return {"snapshot": self.snapshot, "tables": self.tables, "missing": self.missing}


def table_of(path: Path) -> str | None:
    """The snapshot table a file holds, or None for a file of no ONRC snapshot (the code
    tables of ``nomenclatoare``, MF statements)."""
    name = path.name.upper()
    old = _OLD_NAME.match(name)
    if old:
        return old.group(1)
    return next((t for t in (*CURRENT_LAYOUT, *_OPTIONAL) if name.startswith(t)), None)


def missing(tables: Iterable[str]) -> list[str]:
    """The tables a snapshot holding ``tables`` still lacks, in the order they are listed."""
    held = set(tables)
    layout = OLD_LAYOUT if held & set(OLD_LAYOUT) and not held & set(CURRENT_LAYOUT) else None
    return [t for t in layout or CURRENT_LAYOUT if t not in held]


def _held(store: RegisterStore, after: str | None) -> dict[str, list[str]]:
    """The tables of each recorded snapshot newer than ``after``, newest snapshot first."""
    where, params = ("", ()) if after is None else (f"WHERE snapshot > {store.mark}", (after,))
    held: dict[str, list[str]] = {}
    for snapshot, name in store.query(
        f"SELECT snapshot, name FROM snapshot_table {where} ORDER BY snapshot DESC, name",
        params,
    ):
        held.setdefault(snapshot, []).append(name)
    return held


def record(store: RegisterStore, *, snapshot: str, table: str) -> None:
    """Record ``table`` as in for ``snapshot``, inside the caller's transaction; the
    register's date moves to the newest snapshot, newer than it, that this completes."""
    mark = store.mark
    store.execute(
        f"DELETE FROM snapshot_table WHERE snapshot = {mark} AND name = {mark}", (snapshot, table)
    )
    store.execute(
        f"INSERT INTO snapshot_table (snapshot, name) VALUES ({store.marks(2)})", (snapshot, table)
    )
    for newer, tables in _held(store, store.meta("snapshot")).items():
        if not missing(tables):
            store.set_meta("snapshot", newer)
            return


def partial(store: RegisterStore) -> list[Partial]:
    """The snapshots newer than the register's date that are not all in, newest first."""
    return [
        Partial(snapshot, tables, missing(tables))
        for snapshot, tables in _held(store, store.meta("snapshot")).items()
    ]
