"""Labelled queries for evaluating name matching: the right answer of each is known.

Present queries are operating registrations of the register, their names spelled with one
kind of noise (:mod:`firmsync.matching.noise`), half of them with the county. Absent queries
are names made as the sample register makes its companies' names but that no registration has
(checked against every registered name's key): a company founded after the snapshot, the case
where a confident link is a wrong link.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from firmsync.identity import names
from firmsync.matching.noise import KINDS, noisy
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
    top = store.scalar("SELECT MAX(line) FROM registration") or 0
    picked: list[LabelledQuery] = []
    seen: set[int] = set()
    while len(picked) < count and len(seen) < top:
        lines = [rng.randint(2, top) for _ in range(4 * (count - len(picked)))]
        lines = [n for n in dict.fromkeys(lines) if n not in seen]
        seen.update(lines)
        rows = []
        for start in range(0, len(lines), _VARIABLES):
            part = lines[start : start + _VARIABLES]
            rows += store.query(
                "SELECT line, reg_number, cui, name, county, locality FROM registration_view "
                f"WHERE line IN ({','.join('?' * len(part))}) AND status = 'active' "
                "AND cui IS NOT NULL",
                part,
            )
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


def _absent(store: RegisterStore, count: int, rng: random.Random) -> list[LabelledQuery]:
    registered = {hash(names.key(name)) for (name,) in store.query("SELECT name FROM registration")}
    made: list[LabelledQuery] = []
    while len(made) < count:
        name = f"{company_core(rng, coined_word(rng))} {rng.choice(('SRL', 'SA', 'S.R.L.'))}"
        if hash(names.key(name)) not in registered:
            made.append(LabelledQuery(name, None, None, None, None, "absent"))
    return made


def sample_queries(
    store: RegisterStore, *, present: int, absent: int, seed: int = 1, with_county: float = 0.5
) -> list[LabelledQuery]:
    """``present`` noisy queries for registered companies and ``absent`` for unknown ones."""
    rng = random.Random(seed)
    return _present(store, present, rng, with_county) + _absent(store, absent, rng)
