"""What an import records of the companies whose facts changed: exactly those the next
month's sample changed, by kind, and nothing for a first import or the same files again."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from firmsync.registry.importer import import_paths
from firmsync.registry.read import fact_counts, fact_position, facts_changed
from firmsync.registry.store import RegisterStore
from firmsync.sources.fake.portal import make_portal_sample

FIRST = ("firme-02-11-2026", "nomenclatoare-02-11-2026", "situatii_financiare_2024")
SECOND = ("firme-02-12-2026", "nomenclatoare-02-12-2026", "situatii_financiare_2025")


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, list[str]]]:
    root = tmp_path_factory.mktemp("portal")
    return root, make_portal_sample(root, companies=300, seed=5)


@pytest.fixture
def register(register_url: str) -> Iterator[RegisterStore]:
    store = RegisterStore(register_url)
    yield store
    store.close()


def _recorded(store: RegisterStore, after: int) -> dict[str, set[str]]:
    kinds: dict[str, set[str]] = {}
    for kind, cui in store.query(
        f"SELECT kind, cui FROM fact_change WHERE id > {store.mark}", (after,)
    ):
        kinds.setdefault(kind, set()).add(cui)
    return kinds


def test_an_import_records_exactly_the_companies_whose_facts_changed(
    register: RegisterStore, portal: tuple[Path, dict[str, Any]]
) -> None:
    root, changes = portal
    first = import_paths(register, [root / name for name in FIRST], workers=1)
    assert first.changes == {} and fact_position(register) == 0  # a first import: none
    cui_of = dict(register.query("SELECT reg_number, cui FROM registration"))
    second = import_paths(register, [root / name for name in SECOND], workers=1)
    assert register.meta("snapshot") == "2026-12-02"
    cui_of.update(register.query("SELECT reg_number, cui FROM registration"))
    recorded = _recorded(register, second.changes_after)
    new_year = {cui for (cui,) in register.query("SELECT cui FROM financial WHERE year = 2025")}
    expected = {
        "name": {cui_of[reg] for reg in changes["renamed"]},
        "address": {cui_of[reg] for reg in changes["moved"]},
        "status": {cui_of[reg] for reg in changes["struck_off"]},
        "new": {cui_of[reg] for reg in changes["new"]},
        "financial_year": new_year,
    }
    assert all(expected.values())  # the sample changed some of each
    assert recorded == expected  # no CAEN code, no register number changed
    assert second.changes == {kind: len(cuis) for kind, cuis in sorted(expected.items())}
    assert fact_counts(register, second.changes_after) == second.changes
    # Read back for a few CUIs, as the cards' side asks.
    struck = sorted(expected["status"])[0]
    asked = [struck, "1"]
    assert facts_changed(register, asked, second.changes_after, fact_position(register)) == {
        struck: {"status"}
        | ({"name"} if struck in expected["name"] else set())
        | ({"address"} if struck in expected["address"] else set())
        | ({"financial_year"} if struck in new_year else set())
    }
    # The same files again change nothing.
    again = import_paths(register, [root / name for name in SECOND], workers=1)
    assert again.changes == {}


def test_a_changed_caen_code_is_recorded(
    register: RegisterStore, portal: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    root, _ = portal
    import_paths(register, [root / name for name in FIRST], workers=1)
    source = root / FIRST[0] / "OD_CAEN_AUTORIZAT.CSV"
    lines = source.read_bytes().split(b"\n")
    header, first_row = lines[0], lines[1]
    reg = first_row.split(b"^")[0].decode()
    newer = tmp_path / "firme-02-12-2026"
    newer.mkdir()
    (newer / source.name).write_bytes(b"\n".join([header, *lines[2:]]))  # its first code gone
    since = fact_position(register)
    import_paths(register, [newer], workers=1)
    cui = register.scalar(
        f"SELECT cui FROM registration WHERE reg_number = {register.mark}", (reg,)
    )
    assert _recorded(register, since) == {"caen": {cui}}
