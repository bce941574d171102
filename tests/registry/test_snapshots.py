"""The register's date moves to a snapshot only once all its tables are in: an import
stopped half-way, an empty OD_FIRME, a snapshot imported in parts."""

from __future__ import annotations

from pathlib import Path

import pytest

from firmsync.registry.importer import FILE_REFUSALS, import_paths
from firmsync.registry.read import stats
from firmsync.registry.sample import FIRME_HEADER
from firmsync.registry.snapshots import Partial, partial
from firmsync.registry.store import RegisterStore
from firmsync.sources.register import facts_from_register

from .snapshot import FIRME_ROWS, STATUS_ROWS, write_snapshot

OLD, NEW = "2026-09-02", "2026-10-02"
JUNK = bytes(range(256)) * 40  # no file's columns: refused when its turn comes


@pytest.fixture
def loaded(store: RegisterStore, tmp_path: Path) -> RegisterStore:
    import_paths(store, [write_snapshot(tmp_path / "data")])
    assert store.meta("snapshot") == OLD
    return store


def newer(root: Path) -> Path:
    """The next month's snapshot folder: TRADECENTER renamed, and dissolved."""
    firme = [
        r.replace("TRADECENTER SRL^66815090^J2022", "TRADECENTER GRUP SRL^66815090^J2022")
        for r in FIRME_ROWS
    ]
    status = [r.replace("J2022000001360^1048", "J2022000001360^1049") for r in STATUS_ROWS]
    return write_snapshot(root, "02-10-2026", firme=firme, status=status) / "firme-02-10-2026"


def seen(store: RegisterStore) -> tuple[str | None, str | None, str, str | None]:
    """The register's date, its statuses' date, TRADECENTER's state, and the date its
    card's register facts carry."""
    facts = facts_from_register(store, "66815090")
    assert facts is not None
    return (
        store.meta("snapshot"),
        store.meta("status_snapshot"),
        facts.status,
        facts.sources["status"].as_of,
    )


def name(store: RegisterStore) -> str:
    return str(store.scalar("SELECT name FROM registration WHERE reg_number = 'J2022000001360'"))


@pytest.mark.parametrize("broken", ["OD_CAEN_AUTORIZAT.CSV", "OD_STARE_FIRMA.CSV"])
def test_an_import_stopped_half_way_keeps_the_old_date_over_the_old_statuses(
    loaded: RegisterStore, tmp_path: Path, broken: str
) -> None:
    folder = newer(tmp_path / "newer")
    (folder / broken).write_bytes(JUNK)
    with pytest.raises(FILE_REFUSALS):
        import_paths(loaded, [folder])
    assert name(loaded) == "TRADECENTER GRUP SRL"  # the newer OD_FIRME was committed
    assert seen(loaded) == (OLD, OLD, "active", OLD)
    [waiting] = partial(loaded)
    assert waiting.snapshot == NEW
    assert "OD_FIRME" in waiting.tables and broken.removesuffix(".CSV") in waiting.missing
    assert "OD_STARE_FIRMA" in waiting.missing  # statuses come last: none of the new ones


def test_the_missing_files_imported_later_complete_the_snapshot(
    loaded: RegisterStore, tmp_path: Path
) -> None:
    folder = newer(tmp_path / "newer")
    import_paths(loaded, [folder / "OD_FIRME.CSV"])  # what a run killed after it leaves
    assert seen(loaded) == (OLD, OLD, "active", OLD)
    assert stats(loaded)["partial_snapshots"] == [
        {
            "snapshot": NEW,
            "tables": ["OD_FIRME"],
            "missing": ["OD_STARE_FIRMA", "OD_CAEN_AUTORIZAT", "OD_REPREZENTANTI_LEGALI"],
        }
    ]
    import_paths(loaded, [folder / "OD_CAEN_AUTORIZAT.CSV", folder / "OD_STARE_FIRMA.CSV"])
    assert loaded.meta("snapshot") == OLD
    assert partial(loaded) == [
        Partial(
            NEW, ["OD_CAEN_AUTORIZAT", "OD_FIRME", "OD_STARE_FIRMA"], ["OD_REPREZENTANTI_LEGALI"]
        )
    ]
    import_paths(loaded, [folder])  # the whole folder again: the last table completes it
    assert seen(loaded) == (NEW, NEW, "dissolution", NEW)
    assert partial(loaded) == [] and stats(loaded)["partial_snapshots"] == []
    assert loaded.query("SELECT reg_number, snapshot, new_status FROM status_change") == [
        ("J2022000001360", NEW, "dissolution")
    ]


def test_a_zero_byte_firme_never_moves_the_date(loaded: RegisterStore, tmp_path: Path) -> None:
    folder = newer(tmp_path / "newer")
    (folder / "OD_FIRME.CSV").write_bytes(b"")
    with pytest.raises(FILE_REFUSALS):
        import_paths(loaded, [folder], allow_shrink=True)
    rest = [p for p in folder.iterdir() if p.name != "OD_FIRME.CSV"]
    import_paths(loaded, rest)
    assert loaded.meta("snapshot") == OLD
    assert [p.missing for p in partial(loaded)] == [["OD_FIRME"]]


def test_a_header_only_firme_never_moves_the_date(loaded: RegisterStore, tmp_path: Path) -> None:
    folder = newer(tmp_path / "newer")
    (folder / "OD_FIRME.CSV").write_bytes(f"{FIRME_HEADER}\r\n".encode("utf-8-sig"))
    import_paths(loaded, [folder], allow_shrink=True)  # imported, as asked: no rows
    assert loaded.meta("snapshot") == OLD
    assert [p.missing for p in partial(loaded)] == [["OD_FIRME"]]
    facts = facts_from_register(loaded, "66815090")
    assert facts is not None and facts.sources["name"].as_of == OLD


def test_a_header_only_firme_gives_a_new_register_no_date(
    store: RegisterStore, tmp_path: Path
) -> None:
    import_paths(store, [write_snapshot(tmp_path / "data", firme=[])])
    assert store.meta("snapshot") is None
    assert [(p.snapshot, p.missing) for p in partial(store)] == [(OLD, ["OD_FIRME"])]


def _everything(store: RegisterStore) -> dict[str, list[tuple[object, ...]]]:
    tables = (
        "registration",
        "registration_status",
        "status_change",
        "caen_authorised",
        "representative",
        "financial",
        "meta",
        "snapshot_table",
        "index_change",
    )
    return {t: sorted(store.query(f"SELECT * FROM {t}"), key=repr) for t in tables}


def test_reimporting_the_same_complete_snapshot_changes_nothing(
    loaded: RegisterStore, tmp_path: Path
) -> None:
    before = _everything(loaded)
    assert [name for _, name in before["snapshot_table"]] == [
        "OD_CAEN_AUTORIZAT",
        "OD_FIRME",
        "OD_REPREZENTANTI_LEGALI",
        "OD_STARE_FIRMA",
    ]
    import_paths(loaded, [write_snapshot(tmp_path / "again")])
    assert _everything(loaded) == before


def test_two_snapshots_in_one_import_end_at_the_newer(store: RegisterStore, tmp_path) -> None:
    root = write_snapshot(tmp_path / "data")
    newer(root)
    import_paths(store, [root])
    assert seen(store) == (NEW, NEW, "dissolution", NEW) and partial(store) == []


OLD_HEADER = (
    "DENUMIRE|CUI|COD_INMATRICULARE|EUID|STARE_FIRMA|ADRESA_COMPLETA|ADR_TARA|ADR_LOCALITATE|"
    "ADR_JUDET|ADR_DEN_STRADA|ADR_DEN_NR_STRADA|ADR_BLOC|ADR_SCARA|ADR_ETAJ|ADR_APARTAMENT|"
    "ADR_COD_POSTAL|ADR_SECTOR|ADR_COMPLETARE"
)


def test_an_old_layout_snapshot_is_all_in_with_its_four_parts(
    store: RegisterStore, tmp_path: Path
) -> None:
    folder = tmp_path / "old-18-03-2025"
    folder.mkdir()
    parts = [
        "1firme_neradiate_fara_sediu",
        "2firme_radiate_fara_sediu",
        "3firme_neradiate_cu_sediu",
        "4firme_radiate_cu_sediu",
    ]
    for n, part in enumerate(parts, start=1):
        row = "|".join([f"FIRMA {n} SRL", "", f"J12/{n}/2001", "", "1048", *[""] * 13])
        (folder / f"{part}_18-03-2025.csv").write_bytes(f"{OLD_HEADER}\r\n{row}\r\n".encode())
    files = sorted(folder.iterdir())
    import_paths(store, files[:3])
    assert store.meta("snapshot") is None
    assert [p.missing for p in partial(store)] == [["FIRME_RADIATE_CU_SEDIU"]]
    import_paths(store, files[3:])
    assert store.meta("snapshot") == "2025-03-18" and partial(store) == []
    assert store.scalar("SELECT COUNT(*) FROM registration_view WHERE status_codes = '1048'") == 4
