"""The name index finds the registration behind a noisy name among its candidates."""

from __future__ import annotations

from pathlib import Path

from firmsync.matching.index import NameIndex
from firmsync.matching.queries import sample_queries
from firmsync.registry.importer import import_paths
from firmsync.registry.sample import make_sample
from firmsync.registry.store import RegisterStore


def test_candidates_contain_the_right_registration(tmp_path: Path, store: RegisterStore) -> None:
    make_sample(tmp_path / "s", companies=3000, seed=8)
    import_paths(store, [tmp_path / "s"])
    index = NameIndex.build(store, tmp_path / "index")
    assert index.documents == 3000
    queries = sample_queries(store, present=200, absent=0, seed=4)
    found = sum(
        any(hit.reg_number == q.reg_number for hit in index.candidates(q.name, limit=20))
        for q in queries
    )
    assert found / len(queries) >= 0.9
    exact = queries[0]
    [(name,)] = store.query("SELECT name FROM registration WHERE reg_number = ? AND dup = 0",
                            (exact.reg_number,))  # fmt: skip
    first = index.candidates(name)[0]
    assert first.reg_number == exact.reg_number and first.status == "active"
    assert NameIndex(tmp_path / "index").documents == 3000  # opens again from disk
    assert index.candidates("") == [] and index.candidates("S.R.L.") == []
