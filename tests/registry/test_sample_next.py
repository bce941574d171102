"""The sample's next month: imported over the first, it changes exactly what it says."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from firmsync.registry.importer import import_paths
from firmsync.registry.sample import make_sample
from firmsync.registry.sample_next import next_snapshot
from firmsync.registry.store import RegisterStore


def _rows(store: RegisterStore) -> dict[str, tuple[object, ...]]:
    return {
        row[0]: row[1:]
        for row in store.query(
            "SELECT reg_number, name, street, number, status FROM registration_view"
        )
    }


def test_the_next_month_changes_names_streets_and_statuses(
    tmp_path: Path, store: RegisterStore
) -> None:
    make_sample(tmp_path / "s", companies=400, seed=3, years=(2025,))
    first = tmp_path / "s" / "firme-02-11-2026"
    summary = next_snapshot(first, tmp_path / "s", snapshot=date(2026, 12, 2), share=0.05)
    assert summary.folder == tmp_path / "s" / "firme-02-12-2026"
    assert summary.renamed and summary.moved and summary.struck_off and summary.new
    assert not set(summary.renamed) & set(summary.moved)
    import_paths(store, [first, tmp_path / "s" / "nomenclatoare-02-11-2026"])
    before = _rows(store)
    result = import_paths(store, [summary.folder, tmp_path / "s" / "nomenclatoare-02-12-2026"])
    assert result.snapshot == "2026-12-02" and result.rows_rejected == 0
    after = _rows(store)
    assert set(after) == set(before) | set(summary.new)
    differ = {reg for reg in before if before[reg] != after[reg]}
    assert differ == set(summary.renamed) | set(summary.moved) | set(summary.struck_off)
    for reg in summary.renamed:
        assert after[reg][0] != before[reg][0] and " GRUP " in str(after[reg][0])
    for reg in summary.moved:
        assert after[reg][1:3] != before[reg][1:3] and after[reg][0] == before[reg][0]
    for reg in summary.struck_off:
        assert after[reg][3] == "struck_off" != before[reg][3]
    assert all(after[reg][3] == "active" for reg in summary.new)


def test_the_same_seed_writes_the_same_month(tmp_path: Path) -> None:
    make_sample(tmp_path / "s", companies=200, seed=1, years=(2025,))
    first = tmp_path / "s" / "firme-02-11-2026"
    one = next_snapshot(first, tmp_path / "a", snapshot=date(2026, 12, 2), seed=4)
    two = next_snapshot(first, tmp_path / "b", snapshot=date(2026, 12, 2), seed=4)
    assert (one.renamed, one.struck_off, one.new) == (two.renamed, two.struck_off, two.new)
    for name in ("OD_FIRME.CSV", "OD_STARE_FIRMA.CSV", "OD_CAEN_AUTORIZAT.CSV"):
        assert (one.folder / name).read_bytes() == (two.folder / name).read_bytes()
    assert (tmp_path / "a" / "nomenclatoare-02-12-2026" / "N_STARE_FIRMA.CSV").exists()
    with pytest.raises(ValueError, match="already dated"):
        next_snapshot(first, tmp_path / "s", snapshot=date(2026, 11, 2))
