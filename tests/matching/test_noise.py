"""Noisy spellings: each kind does what it says, on names shaped like the register's."""

from __future__ import annotations

import random
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rapidfuzz.distance import Levenshtein

from firmsync.identity import names
from firmsync.matching.noise import KINDS, noisy

NAMES = [
    "CONSTRUCȚII MONTAJ SRL",
    "ALFA IMPORT EXPORT SRL",
    "ȘTEFAN & MARIA SRL",
    "POPESCU ION PERSOANĂ FIZICĂ AUTORIZATĂ",
    "DELTA COMERȚ TRANSPORT S.R.L.",
    "OMEGA SA",
    "TRADECENTER SRL",
    "CASA DE PÂINE SERVICII SRL",
]


@pytest.mark.parametrize("name", NAMES)
def test_every_kind_is_deterministic_and_keeps_something(name: str) -> None:
    for kind in KINDS:
        first = noisy(name, kind, random.Random(7))
        assert first == noisy(name, kind, random.Random(7))
        assert first.strip() and len(first) >= 4


@pytest.mark.parametrize("name", NAMES)
def test_each_kind_does_what_it_says(name: str) -> None:
    rng = random.Random(3)
    core = names.normalise(name).core
    dropped = noisy(name, "drop_legal_form", rng)
    assert names.normalise(dropped).legal_form is None and names.key(dropped) == core
    assert names.normalise(noisy(name, "add_legal_form", rng)).legal_form is not None
    prefixed = noisy(name, "sc_prefix", rng)
    assert prefixed.startswith("S.C. ") and names.key(prefixed) == core
    assert noisy(name, "no_diacritics", rng).isascii()
    assert not set("șțȘȚ") & set(noisy(name, "cedilla", rng))
    swapped = noisy(name, "swap_words", rng)
    assert Counter(names.key(swapped).split()) == Counter(core.split())
    assert len(names.key(noisy(name, "add_city", rng)).split()) == len(core.split()) + 1
    assert core.startswith(names.key(noisy(name, "truncate", rng)))
    assert noisy(name, "abbreviation", rng) != name or not any(
        word in name for word in ("IMPORT", "CONSTRUC", "COMER", "SERVICII", "TRANSPORT")
    )


@given(st.sampled_from(NAMES), st.integers(0, 10_000))
def test_a_typo_is_one_or_two_edits_away(name: str, seed: int) -> None:
    assert 1 <= Levenshtein.distance(noisy(name, "typo", random.Random(seed)), name) <= 2


def test_unknown_kind() -> None:
    with pytest.raises(ValueError, match="unknown kind"):
        noisy("ALFA SRL", "upside_down", random.Random(1))
