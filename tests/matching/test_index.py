"""The name index finds the registration behind a noisy name among its candidates."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from firmsync.identity import names
from firmsync.matching.index import IndexMissing, NameIndex
from firmsync.matching.queries import sample_queries

from .conftest import COMPANIES, Indexed


def test_candidates_contain_the_right_registration(indexed: Indexed) -> None:
    index = indexed.index
    assert index.documents == COMPANIES
    queries = sample_queries(indexed.store, present=300, absent=0, seed=4)
    found = sum(
        any(hit.entry.reg_number == q.reg_number for hit in index.candidates(q.name, limit=40))
        for q in queries
    )
    assert found / len(queries) >= 0.95
    assert index.candidates("") == [] and index.candidates("S.R.L.") == []


def test_an_exact_name_comes_first_with_its_facts(indexed: Indexed) -> None:
    [(reg_number, cui, name, county)] = indexed.store.query(
        "SELECT reg_number, cui, name, county FROM registration_view "
        "WHERE status = 'active' AND cui IS NOT NULL "
        f"AND name LIKE {indexed.store.mark} ORDER BY line LIMIT 1",
        ("% SRL",),
    )
    first = indexed.index.candidates(name)[0].entry
    assert (first.reg_number, first.cui, first.name, first.county) == (
        reg_number,
        cui,
        name,
        county,
    )
    assert first.key == names.key(name) and first.legal_form == "SRL" and first.operating


def test_a_mistyped_word_is_found_by_its_edits(indexed: Indexed) -> None:
    [(reg_number, name)] = indexed.store.query(
        "SELECT reg_number, name FROM registration_view WHERE status = 'active' "
        f"AND name LIKE {indexed.store.mark} AND length(name) > 16 ORDER BY line DESC LIMIT 1",
        ("% SRL",),
    )
    key = names.key(name)
    word = max(key.split(), key=len)
    typo = key.replace(word, word[0] + word[2] + word[1] + word[3:], 1)  # two letters swapped
    assert reg_number in [hit.entry.reg_number for hit in indexed.index.search(typo, limit=10)]


def test_sharing_counts_registrations_with_the_same_name(indexed: Indexed) -> None:
    key_count = indexed.store.scalar(
        "SELECT COUNT(*) FROM registration WHERE name = 'CONSTRUCT SRL'"
    )
    assert indexed.index.sharing("CONSTRUCT") >= key_count >= 1
    assert {e.key for e in indexed.index.sharing_with("CONSTRUCT")} == {"CONSTRUCT"}


def test_a_missing_or_foreign_index_is_refused(tmp_path: Path, indexed: Indexed) -> None:
    with pytest.raises(IndexMissing, match="match build"):
        NameIndex(tmp_path / "nowhere")
    copy = tmp_path / "copy"
    copy.mkdir()
    (copy / "meta.json").write_text(json.dumps({"version": -1}))
    with pytest.raises(IndexMissing, match="another version"):
        NameIndex(copy)
    assert NameIndex(indexed.path).documents == COMPANIES  # opens again from disk
