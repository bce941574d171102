"""Labelled queries come from the register, with their answers, and absent ones are absent."""

from __future__ import annotations

from pathlib import Path

from firmsync.identity import names
from firmsync.matching.noise import KINDS
from firmsync.matching.queries import sample_queries
from firmsync.registry.importer import import_paths
from firmsync.registry.sample import make_sample
from firmsync.registry.store import RegisterStore


def test_queries_point_at_operating_registrations_and_absent_names_are_absent(
    tmp_path: Path, store: RegisterStore
) -> None:
    make_sample(tmp_path / "s", companies=3000, seed=4)
    import_paths(store, [tmp_path / "s"])
    queries = sample_queries(store, present=60, absent=20, seed=2)
    present = [q for q in queries if q.reg_number]
    absent = [q for q in queries if not q.reg_number]
    assert len(present) == 60 and len(absent) == 20
    assert {q.noise for q in present} == set(KINDS)
    assert any(q.county for q in present) and any(not q.county for q in present)
    for query in present:
        [(status, cui)] = store.query(
            "SELECT status, cui FROM registration_view "
            f"WHERE reg_number = {store.mark} AND dup = 0",
            (query.reg_number,),
        )
        assert status == "active" and cui == query.cui
    keys = {names.key(name) for (name,) in store.query("SELECT name FROM registration")}
    assert not any(names.key(q.name) in keys for q in absent)
    assert queries == sample_queries(store, present=60, absent=20, seed=2)
