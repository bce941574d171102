"""The name index follows the register: an import that changes no names, places or statuses
leaves it as it was; one that changes some replaces those registrations' documents."""

from __future__ import annotations

from pathlib import Path

import pytest

from firmsync.identity import names
from firmsync.matching.index import NameIndex
from firmsync.registry.importer import import_paths
from firmsync.registry.read import delete_company
from firmsync.registry.store import RegisterStore

from ..registry.snapshot import FIRME_ROWS, STATUS_ROWS, write_snapshot


def files(path: Path) -> dict[str, tuple[int, int]]:
    """Every file of the index folder with its inode and modification time."""
    return {
        str(p.relative_to(path)): (p.stat().st_ino, p.stat().st_mtime_ns)
        for p in path.rglob("*")
        if p.is_file()
    }


def found(index: NameIndex, name: str) -> set[str]:
    return {hit.entry.reg_number for hit in index.search(names.key(name))}


@pytest.fixture
def followed(store: RegisterStore, tmp_path: Path) -> tuple[RegisterStore, Path]:
    import_paths(store, [write_snapshot(tmp_path / "data")])
    path = tmp_path / "names"
    built = NameIndex.follow(store, path)  # no index yet: built
    assert built is not None and "updated" not in built.meta and built.documents == 9
    return store, path


def test_an_import_that_changes_nothing_indexed_leaves_the_index_untouched(
    followed: tuple[RegisterStore, Path], tmp_path: Path
) -> None:
    store, path = followed
    before = files(path)
    # The same snapshot again, then a newer one whose rows are the same: last_seen changes.
    import_paths(store, [write_snapshot(tmp_path / "again")])
    assert NameIndex.follow(store, path) is None
    import_paths(store, [write_snapshot(tmp_path / "newer", "02-10-2026")])
    assert NameIndex.follow(store, path) is None
    assert files(path) == before


def test_a_renamed_company_is_found_by_its_new_name_only_without_a_rebuild(
    followed: tuple[RegisterStore, Path], tmp_path: Path
) -> None:
    store, path = followed
    entries = (path / "entries.arrow").stat().st_ino
    opened = NameIndex(path)
    assert "J22/7/1995" in found(opened, "Alfa Beta")
    renamed = [r.replace("ALFA BETA SRL", "ZORILOR PRIMA SRL") for r in FIRME_ROWS]
    import_paths(store, [write_snapshot(tmp_path / "newer", "02-10-2026", firme=renamed)])
    index = NameIndex.follow(store, path)
    assert index is not None and index.meta["updated"] == 1
    assert (path / "entries.arrow").stat().st_ino == entries  # the build's rows, kept
    assert "J22/7/1995" in found(index, "Zorilor Prima")
    assert "J22/7/1995" not in found(index, "Alfa Beta")
    assert index.documents == 9
    assert "J22/7/1995" in found(opened, "Alfa Beta")  # an index already open still answers
    [entry] = [h.entry for h in index.search(names.key("Zorilor Prima"))]
    assert (entry.name, entry.cui, entry.county) == ("ZORILOR PRIMA SRL", "2816464", "Iași")
    reopened = NameIndex(path)  # from disk: the row map fits the new segments
    assert found(reopened, "Zorilor Prima") == {"J22/7/1995"}
    # Renamed back: the latest name wins again, the row map still fits.
    import_paths(store, [write_snapshot(tmp_path / "later", "02-11-2026")])
    index = NameIndex.follow(store, path)
    assert index is not None and index.meta["updated"] == 1
    assert "J22/7/1995" in found(index, "Alfa Beta")
    assert found(index, "Zorilor Prima") == set()
    assert index.documents == 9


def test_a_company_struck_off_reaches_the_matcher(
    followed: tuple[RegisterStore, Path], tmp_path: Path
) -> None:
    store, path = followed
    [before] = [h.entry for h in NameIndex(path).search(names.key("Alfa Beta"))]
    assert before.status == "active" and before.operating
    struck_off = [r.replace("J22/7/1995^1048", "J22/7/1995^1084") for r in STATUS_ROWS]
    import_paths(store, [write_snapshot(tmp_path / "newer", "02-10-2026", status=struck_off)])
    index = NameIndex.follow(store, path)
    assert index is not None and index.meta["updated"] == 1
    [after] = [h.entry for h in index.search(names.key("Alfa Beta"))]
    assert after.reg_number == "J22/7/1995"
    assert after.status == "struck_off" and not after.operating


def test_a_new_register_gets_a_new_index(
    followed: tuple[RegisterStore, Path], tmp_path: Path
) -> None:
    _, path = followed
    other = RegisterStore(f"sqlite:///{tmp_path}/other.sqlite3")
    import_paths(other, [write_snapshot(tmp_path / "other", firme=FIRME_ROWS[:2])])
    index = NameIndex.follow(other, path)
    assert index is not None and "updated" not in index.meta and index.documents == 2
    other.close()


def test_the_row_map_fits_after_many_updates_and_merges(
    followed: tuple[RegisterStore, Path], tmp_path: Path
) -> None:
    store, path = followed
    for month in range(1, 11):  # tantivy merges small segments once there are eight
        renamed = [r.replace("ALFA BETA SRL", f"ALFA BETA {month} SRL") for r in FIRME_ROWS]
        folder = write_snapshot(tmp_path / str(month), f"02-{month:02}-2027", firme=renamed)
        import_paths(store, [folder / f"firme-02-{month:02}-2027" / "OD_FIRME.CSV"])
        index = NameIndex.follow(store, path)
        assert index is not None and index.meta["updated"] == 1
        assert found(index, f"Alfa Beta {month}") >= {"J22/7/1995"}
        assert found(NameIndex(path), "Lemnlind") == {"J12/2/2001"}
    assert index.documents == 9
    assert index.searcher.num_segments < 11  # one segment an update, merged along the way


def test_a_company_deleted_from_the_register_leaves_the_index(
    followed: tuple[RegisterStore, Path],
) -> None:
    store, path = followed
    assert found(NameIndex(path), "Lemnlind") == {"J12/2/2001"}
    delete_company(store, "14399840")
    index = NameIndex.follow(store, path)
    assert index is not None and index.meta["updated"] == 1
    assert found(index, "Lemnlind") == set() and index.documents == 8
