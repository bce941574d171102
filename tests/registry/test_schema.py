"""The register's schema version: an older register is migrated when opened, a newer one is
refused with a line saying what to do, on SQLite and on PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest

from firmsync.registry import schema
from firmsync.registry.importer import import_paths
from firmsync.registry.read import registration_count
from firmsync.registry.snapshots import partial
from firmsync.registry.store import RegisterStore

from .snapshot import write_snapshot


def _indexes(store: RegisterStore, table: str) -> set[str]:
    if store.dialect == "postgresql":
        sql = (
            "SELECT indexname FROM pg_indexes "
            "WHERE tablename = %s AND schemaname = ANY(current_schemas(false))"
        )
    else:
        sql = "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ?"
    return {name for (name,) in store.query(sql, (table,))}


def _as_version_1(store: RegisterStore) -> None:
    """What a register made before schema versions looks like: no version, the old index."""
    store.execute("DELETE FROM meta WHERE key IN ('schema_version', 'registrations_snapshot')")
    store.execute("DROP TABLE snapshot_table")
    store.execute("DROP INDEX financial_cui_year")
    store.execute("CREATE INDEX financial_cui ON financial (cui)")
    store.execute("DROP TABLE index_change")
    store.execute("DROP TABLE fact_change")
    store.execute("CREATE TABLE status_code (reg_number TEXT NOT NULL, code TEXT NOT NULL)")
    # The view of versions before 4: a registration's own last_seen, whatever it holds.
    store.execute("DROP VIEW registration_view")
    store.execute(
        "CREATE VIEW registration_view AS SELECT r.*, COALESCE(s.status, 'unknown') AS status, "
        "s.codes AS status_codes FROM registration AS r "
        "LEFT JOIN registration_status AS s ON s.reg_number = r.reg_number"
    )


def test_a_new_register_has_the_current_version(store: RegisterStore) -> None:
    assert schema.version_of(store) == schema.VERSION == 6
    assert "financial_cui_year" in _indexes(store, "financial")


def test_an_older_register_is_migrated_when_opened_and_keeps_its_rows(
    register_url: str, tmp_path: Path
) -> None:
    store = RegisterStore(register_url)
    import_paths(store, [write_snapshot(tmp_path / "snapshot")])
    rows = registration_count(store)
    _as_version_1(store)
    assert schema.version_of(store) == 1
    store.close()
    reopened = RegisterStore(register_url)
    assert schema.version_of(reopened) == 6
    assert reopened.has_table("index_change") and reopened.has_table("fact_change")
    assert "fact_change_cui" in _indexes(reopened, "fact_change")
    assert not reopened.has_table("status_code")  # each state keeps its codes
    # A registration of the newest file reads the snapshot as the one it was last seen in.
    assert reopened.query("SELECT DISTINCT last_seen FROM registration_view") == [
        (reopened.meta("snapshot"),)
    ]
    assert {"financial_cui_year"} <= _indexes(reopened, "financial")
    assert "financial_cui" not in _indexes(reopened, "financial")
    assert registration_count(reopened) == rows > 0
    # The snapshot it shows stands as complete; its registrations file is that snapshot's.
    assert reopened.has_table("snapshot_table")
    assert reopened.meta("registrations_snapshot") == reopened.meta("snapshot") == "2026-09-02"
    assert partial(reopened) == []
    reopened.close()


def test_an_older_register_takes_a_newer_snapshot_only_once_it_is_all_in(
    register_url: str, tmp_path: Path
) -> None:
    store = RegisterStore(register_url)
    import_paths(store, [write_snapshot(tmp_path / "snapshot")])
    _as_version_1(store)
    store.close()
    reopened = RegisterStore(register_url)
    newer = write_snapshot(tmp_path / "newer", "02-10-2026") / "firme-02-10-2026"
    import_paths(reopened, [newer / "OD_FIRME.CSV"])
    assert reopened.meta("snapshot") == "2026-09-02"
    [waiting] = partial(reopened)
    assert (waiting.snapshot, waiting.tables) == ("2026-10-02", ["OD_FIRME"])
    import_paths(reopened, [newer])
    assert reopened.meta("snapshot") == "2026-10-02" and partial(reopened) == []
    reopened.close()


def test_a_register_from_a_newer_firmsync_is_refused(register_url: str) -> None:
    store = RegisterStore(register_url)
    store.set_meta("schema_version", str(schema.VERSION + 1))
    store.close()
    with pytest.raises(schema.SchemaTooNew, match="upgrade firmsync"):
        RegisterStore(register_url)
