"""An evaluation on real names: real companies placed in a generated register, each queried
by the spellings people actually use for it (informal names, public procurement's).

The folder holds ``companies.csv`` (``name, cui, reg_number, county, locality, caen,
informal_name, source``; ``informal_name`` lists other spellings, `` | ``-separated) and,
optionally, ``raw/sicap_2023-2025_supplier_cui_names.csv`` (``cui_as_in_source,
name_as_in_sicap, …``): more spellings by CUI. A share of the companies (15% by default,
drawn with the seed) is left out of the register: their spellings are queries for a
company that is not there, where a confident link is a wrong link — to a sibling company,
a subsidiary, a name with a word more. Companies without a register number are not placed.
Real names are test data: nothing here is fitted on them.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Callable, Container
from dataclasses import dataclass
from pathlib import Path

from firmsync.identity import names
from firmsync.matching.evaluation import Metrics, evaluate
from firmsync.matching.queries import LabelledQuery
from firmsync.matching.scoring import GENERIC, MARKERS, acronym_of

__all__ = [
    "RealCompany",
    "evaluate_real",
    "parent_queries",
    "place",
    "read_companies",
    "real_queries",
    "spelling_of",
]

SICAP = Path("raw") / "sicap_2023-2025_supplier_cui_names.csv"
ACTIVE = "1048"  # the sample's code for "funcţiune"


@dataclass(frozen=True)
class RealCompany:
    name: str
    cui: str
    reg_number: str
    county: str
    locality: str
    spellings: tuple[str, ...]  # how people write it, the registered name itself left out


def read_companies(folder: Path) -> list[RealCompany]:
    """The companies of ``folder``, each with every other spelling known for its CUI."""
    more: dict[str, list[str]] = {}
    if (folder / SICAP).exists():
        with (folder / SICAP).open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                cui = row["cui_as_in_source"].strip().upper().removeprefix("RO").strip()
                more.setdefault(cui, []).append(row["name_as_in_sicap"].strip())
    # The raw procurement names are kept by the rule companies.csv's informal names were
    # chosen by: another name under the same CUI (a former name, a brand, a CUI typed
    # wrong) is not a spelling of this one.
    found = []
    with (folder / "companies.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            informal = [s.strip() for s in row["informal_name"].split(" | ") if s.strip()]
            procurement = [s for s in more.get(row["cui"], []) if spelling_of(s, row["name"])]
            spellings = [s for s in dict.fromkeys([*informal, *procurement]) if s != row["name"]]
            found.append(
                RealCompany(
                    row["name"],
                    row["cui"],
                    row["reg_number"].strip(),
                    row["county"].strip(),
                    row["locality"].strip(),
                    tuple(spellings),
                )
            )
    return found


def spelling_of(other: str, name: str) -> bool:
    """Whether ``other`` can be a spelling of ``name``: it shares a word (not a generic one)
    with it, one's letters hold the other's, or one's word is the other's acronym.

    >>> spelling_of('S.C. AZMORO COM SRL S.R.L.', 'AZMORO COM SRL')
    True
    >>> spelling_of('tavcosconstructsrl', 'TAVCOS CONSTRUCT SRL')
    True
    >>> spelling_of('SNGN', 'SOCIETATEA NATIONALA DE GAZE NATURALE ROMGAZ SA')
    True
    >>> spelling_of('HABAU PPS PIPELINE SYSTEMS S.R.L.', 'TRANSGAZ SA')
    False
    """
    a, b = names.normalise(other), names.normalise(name)
    words_a, words_b = set(a.core.split()) - GENERIC, set(b.core.split()) - GENERIC
    if words_a & words_b:
        return True
    squashed_a, squashed_b = a.core.replace(" ", ""), b.core.replace(" ", "")
    if squashed_a and squashed_b and (squashed_a in squashed_b or squashed_b in squashed_a):
        return True
    return any(acronym_of(w, b.core.split()) for w in words_a) or any(
        acronym_of(w, a.core.split()) for w in words_b
    )


def place(
    sample: Path, companies: list[RealCompany], *, seed: int = 7, absent: float = 0.15
) -> tuple[list[RealCompany], list[RealCompany]]:
    """Add the companies to a generated sample's ``OD_FIRME.CSV`` and ``OD_STARE_FIRMA.CSV``
    (as operating registrations), all but a random ``absent`` share; the placed and the
    left-out ones."""
    rng = random.Random(seed)
    usable = [c for c in companies if c.reg_number and "^" not in c.name]
    left_out = set(rng.sample(range(len(usable)), round(len(usable) * absent)))
    placed = [c for i, c in enumerate(usable) if i not in left_out]
    onrc = next(sample.glob("firme-*"))
    with (onrc / "OD_FIRME.CSV").open("a", encoding="utf-8") as firme:
        for c in placed:
            # DENUMIRE^CUI^COD_INMATRICULARE^DATA_INMATRICULARE^EUID^FORMA_JURIDICA^ADR_TARA^
            # ADR_JUDET^ADR_LOCALITATE^ and eleven more address and company columns
            firme.write(
                "\n"
                + "^".join(
                    [
                        c.name,
                        c.cui,
                        c.reg_number,
                        "",
                        "",
                        "",
                        "România",
                        c.county,
                        c.locality,
                        *[""] * 11,
                    ]
                )
            )
    with (onrc / "OD_STARE_FIRMA.CSV").open("a", encoding="utf-8") as states:
        for c in placed:
            states.write(f"\n{c.reg_number}^{ACTIVE}")
    return placed, [c for i, c in enumerate(usable) if i in left_out]


def real_queries(
    placed: list[RealCompany], left_out: list[RealCompany], *, with_county: bool
) -> list[LabelledQuery]:
    """One query per spelling: for a placed company its registration is the answer, for a
    left-out one there is none."""
    queries = []
    for companies, present in ((placed, True), (left_out, False)):
        for c in companies:
            for spelling in c.spellings:
                queries.append(
                    LabelledQuery(
                        spelling,
                        c.county or None if with_county else None,
                        c.locality or None if with_county else None,
                        c.reg_number if present else None,
                        c.cui if present else None,
                        "real" if present else "absent",
                    )
                )
    return queries


def parent_queries(
    placed: list[RealCompany], places: Container[str], registered: Callable[[str], bool]
) -> list[LabelledQuery]:
    """Queries for the parent of a placed subsidiary or branch, which is not in the register:
    the placed name cut before its first subsidiary or branch word (``NUCLEARELECTRICA`` of
    ``NUCLEARELECTRICA SERV S.R.L.``) or its last word when that is a place name (``… DEVA``
    of ``… DEVA FILIALA CERTEJ``); kept only when no registration has that name
    (``registered``, by normalised name). Any automatic link is wrong.
    """
    queries = []
    for c in placed:
        words = names.key(c.name).split()
        cut = next((i for i, w in enumerate(words) if i and w in MARKERS), None)
        if cut is None and len(words) > 1 and words[-1] in places and words[-1] not in GENERIC:
            cut = len(words) - 1
        if cut is None or words[cut - 1] in GENERIC or all(w in GENERIC for w in words[:cut]):
            continue  # (SOCIETATEA DE of SOCIETATEA DE SERVICII …: no company's name)
        parent = " ".join(words[:cut])
        if not registered(parent):
            queries.append(LabelledQuery(parent, None, None, None, None, "absent"))
    return queries


def evaluate_real(
    folder: Path, work: Path, *, companies: int = 50_000, seed: int = 7, absent: float = 0.15
) -> dict[str, Metrics]:
    """Build a register of ``companies`` generated ones and the real ones of ``folder`` (but
    the ``absent`` share) under ``work``, index it, and measure the matcher on the real
    spellings, without and with county and locality."""
    from firmsync.matching.index import NameIndex
    from firmsync.matching.matcher import Matcher
    from firmsync.registry.importer import import_paths
    from firmsync.registry.sample import make_sample
    from firmsync.registry.store import RegisterStore

    make_sample(work / "sample", companies=companies, seed=seed)
    placed, left_out = place(work / "sample", read_companies(folder), seed=seed, absent=absent)
    store = RegisterStore(f"sqlite:///{work / 'register.sqlite3'}")
    try:
        import_paths(store, [work / "sample"])
        matcher = Matcher(NameIndex.build(store, work / "names"))
    finally:
        store.close()
    figures = {}
    for label, with_county in (("without county", False), ("with county and locality", True)):
        queries = real_queries(placed, left_out, with_county=with_county)
        figures[label] = evaluate(lambda q: matcher.match(q.name, q.county, q.locality), queries)
    index = matcher.index
    parents = parent_queries(placed, index.places, lambda key: index.sharing(key) > 0)
    figures["parents not in the register"] = evaluate(lambda q: matcher.match(q.name), parents)
    return figures
