"""Labelled queries for evaluating name matching: the right answer of each is known.

Present queries are operating registrations of the register, their names spelled with one
kind of noise (:mod:`firmsync.matching.noise`), half of them with the county. Absent queries
are names made as the sample register makes its companies' names, for a company founded after
the snapshot — the case where a confident link is a wrong link. The register refuses a new
name too close to an existing one, so a name is only used when no registration has its words
(in any order) and none has its own words (those that are not common business words) or a
word one letter away from one of them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from firmsync.identity import names
from firmsync.matching.noise import KINDS, noisy
from firmsync.registry import read, vocabulary
from firmsync.registry.sample import coined_word, company_core
from firmsync.registry.store import RegisterStore

__all__ = ["LabelledQuery", "sample_queries"]

_VARIABLES = 900  # per query: SQLite allows fewer bound variables than we draw lines


@dataclass(frozen=True)
class LabelledQuery:
    name: str
    county: str | None
    locality: str | None
    reg_number: str | None  # the registration meant; None for a company not in the register
    cui: str | None
    noise: str  # the kind of noise, or "absent"


def _present(
    store: RegisterStore, count: int, rng: random.Random, with_county: float
) -> list[LabelledQuery]:
    # Registrations are drawn by source line, the one number every row has on every database.
    top = read.highest_line(store)
    picked: list[LabelledQuery] = []
    seen: set[int] = set()
    while len(picked) < count and len(seen) < top:
        lines = [rng.randint(2, top) for _ in range(4 * (count - len(picked)))]
        lines = [n for n in dict.fromkeys(lines) if n not in seen]
        seen.update(lines)
        rows = []
        for start in range(0, len(lines), _VARIABLES):
            part = lines[start : start + _VARIABLES]
            rows += read.registrations_by_line(store, part)
        for _, reg_number, cui, name, county, locality in sorted(rows):
            if len(picked) == count:
                break
            kind = KINDS[len(picked) % len(KINDS)]
            hint = rng.random() < with_county
            picked.append(
                LabelledQuery(
                    noisy(name, kind, rng),
                    county if hint else None,
                    locality if hint else None,
                    reg_number,
                    cui,
                    kind,
                )
            )
    return picked


_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _near(word: str, words: set[str]) -> bool:
    """Whether ``word``, or a word one letter away from it (ONRC refuses names that close),
    is among ``words``."""
    if word in words:
        return True
    for i in range(len(word) + 1):
        head, tail = word[:i], word[i:]
        if tail and head + tail[1:] in words:  # a letter dropped
            return True
        for letter in _LETTERS:
            if head + letter + tail in words:  # a letter added
                return True
            if tail and head + letter + tail[1:] in words:  # a letter changed
                return True
        if len(tail) > 1 and head + tail[1] + tail[0] + tail[2:] in words:  # two swapped
            return True
    return False


def _absent(store: RegisterStore, count: int, rng: random.Random) -> list[LabelledQuery]:
    registered: set[int] = set()  # every registered name, and its words in any order
    words: set[str] = set()
    for name in read.all_names(store):
        key = names.key(name)
        registered.add(hash(key))
        registered.add(hash(" ".join(sorted(key.split()))))
        words.update(key.split())
    common = {names.key(stem) for stem in vocabulary.STEMS}
    made: list[LabelledQuery] = []
    while len(made) < count:
        name = f"{company_core(rng, coined_word(rng))} {rng.choice(('SRL', 'SA', 'S.R.L.'))}"
        key = names.key(name)
        own = [w for w in key.split() if w not in common]
        if hash(" ".join(sorted(key.split()))) in registered or any(_near(w, words) for w in own):
            continue  # the register would refuse it: too close to a registered name
        made.append(LabelledQuery(name, None, None, None, None, "absent"))
    return made


def sample_queries(
    store: RegisterStore, *, present: int, absent: int, seed: int = 1, with_county: float = 0.5
) -> list[LabelledQuery]:
    """``present`` noisy queries for registered companies and ``absent`` for unknown ones."""
    rng = random.Random(seed)
    return _present(store, present, rng, with_county) + _absent(store, absent, rng)
