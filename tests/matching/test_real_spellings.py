"""Real companies, as registered, looked for by the spellings people use for them: the
subsidiary or branch of a company that is not in the register is never linked in its place,
and procurement's doubled forms, squashed names, ``&``, quotes, written-out forms and
acronyms still find the company."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from firmsync.matching.index import NameIndex
from firmsync.matching.matcher import Matcher
from firmsync.matching.realnames import RealCompany, place
from firmsync.registry.importer import import_paths
from firmsync.registry.sample import make_sample
from firmsync.registry.store import RegisterStore

# As registered (ONRC's open data, through the public records in the project's references).
REGISTERED = (
    ("NUCLEARELECTRICA SERV S.R.L.", "45374854", "J2021004108136"),
    (
        "COMPANIA NATIONALA A CUPRULUI AURULUI SI FIERULUI MINVEST SA DEVA FILIALA CERTEJ SA",
        "14271549",
        "J2001000763205",
    ),
    ("MENTOR CONSTRUCT SRL", "16783260", "J22/1000/2004"),  # (made up)
    ("AMS MEDICAL CONSULTING SRL", "33116622", "J40/5203/2014"),
    ("TAVCOS CONSTRUCT SRL", "14464060", "J18/72/2002"),
    ("D & G GROUP SRL", "14161406", "J51/213/2001"),
    ('SOCIETATEA NATIONALA DE GAZE NATURALE " ROMGAZ " SA', "14056826", "J2001000392326"),
    ("COOP GALAȚI SOCIETATE COOPERATIVĂ", "1644689", "C17/16/2005"),
    ("MONITORUL OFICIAL RA", "427282", "J1991003862407"),
    ("DIGI ROMANIA S.A.", "5888716", "J40/5000/1994"),  # (number made up)
    (
        "SOCIETATEA ”TOHAN” S.A. FILIALĂ A COMPANIEI NAŢIONALE ”ROMARM”  S.A.",
        "13652413",
        "J2001000049088",
    ),
    ("I.Q.PLUS SRL", "14604198", "J22/420/2002"),
)


@dataclass(frozen=True)
class Placed:
    matcher: Matcher
    cui: dict[str, str]  # name as registered → CUI


@pytest.fixture(scope="module")
def placed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Placed]:
    directory = tmp_path_factory.mktemp("real-spellings")
    make_sample(directory / "sample", companies=2_000, seed=3)
    companies = [RealCompany(name, cui, reg, "", "", ()) for name, cui, reg in REGISTERED]
    place(directory / "sample", companies, absent=0.0)
    store = RegisterStore(f"sqlite:///{directory / 'register.sqlite3'}")
    import_paths(store, [directory / "sample"])
    index = NameIndex.build(store, directory / "names")
    store.close()
    yield Placed(Matcher(index), {name: cui for name, cui, _ in REGISTERED})


def _linked(placed: Placed, typed: str, registered: str) -> None:
    result = placed.matcher.match(typed)
    assert result.decision == "linked", (typed, result)
    assert result.linked is not None and result.linked.cui == placed.cui[registered]


def _asked(placed: Placed, typed: str, shown: str) -> None:
    """Not linked; the related company is among the candidates, for the user to judge."""
    result = placed.matcher.match(typed)
    assert result.decision != "linked", (typed, result)
    assert placed.cui[shown] in [c.cui for c in result.candidates], (typed, result)


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("NUCLEARELECTRICA", "NUCLEARELECTRICA SERV S.R.L."),
        ("SN Nuclearelectrica SA", "NUCLEARELECTRICA SERV S.R.L."),
        (
            "COMPANIA NATIONALA A CUPRULUI AURULUI SI FIERULUI MINVEST SA DEVA",
            "COMPANIA NATIONALA A CUPRULUI AURULUI SI FIERULUI MINVEST SA DEVA FILIALA CERTEJ SA",
        ),
        ("NOVA MENTOR CONSTRUCT SRL", "MENTOR CONSTRUCT SRL"),
        # Cut short where the parent's SA may begin: not read as SERV cut short.
        ("NUCLEARELECTRICA S", "NUCLEARELECTRICA SERV S.R.L."),
        (
            "COMPANIA NATIONALA ROMARM",
            "SOCIETATEA ”TOHAN” S.A. FILIALĂ A COMPANIEI NAŢIONALE ”ROMARM”  S.A.",
        ),
    ],
)
def test_the_family_s_other_company_is_shown_not_linked(
    placed: Placed, typed: str, shown: str
) -> None:
    _asked(placed, typed, shown)


@pytest.mark.parametrize(
    ("typed", "registered"),
    [
        ("Nuclearelectrica Serv", "NUCLEARELECTRICA SERV S.R.L."),
        ("S.C. SC AMS MEDICAL CONSULTING SRL S.R.L.", "AMS MEDICAL CONSULTING SRL"),
        ("S.C. D&G GROUP S.R.L. S.R.L.", "D & G GROUP SRL"),
        ("tavcosconstructsrl", "TAVCOS CONSTRUCT SRL"),
        ("COOP GALATI", "COOP GALAȚI SOCIETATE COOPERATIVĂ"),
        ("REGIA AUTONOMĂ MONITORUL OFICIAL", "MONITORUL OFICIAL RA"),
        ("Mentor Construct S.R.L.", "MENTOR CONSTRUCT SRL"),
        ("D & G GRUOP", "D & G GROUP SRL"),  # two letters swapped in a short word
        ("MONITORUL OF", "MONITORUL OFICIAL RA"),  # cut short inside a word
    ],
)
def test_real_spellings_link_the_company(placed: Placed, typed: str, registered: str) -> None:
    _linked(placed, typed, registered)


@pytest.mark.parametrize(
    ("typed", "registered"),
    [
        ("S.N.G.N. ROMGAZ", 'SOCIETATEA NATIONALA DE GAZE NATURALE " ROMGAZ " SA'),
        ("I.Q. PLUS", "I.Q.PLUS SRL"),
        ("TOHAN", "SOCIETATEA ”TOHAN” S.A. FILIALĂ A COMPANIEI NAŢIONALE ”ROMARM”  S.A."),
    ],
)
def test_acronyms_and_split_words_find_the_company_first(
    placed: Placed, typed: str, registered: str
) -> None:
    result = placed.matcher.match(typed)
    assert result.candidates and result.candidates[0].cui == placed.cui[registered], result


def test_a_former_name_links_no_other_company(placed: Placed) -> None:
    # DIGI ROMANIA S.A. was RCS & RDS S.A.: the register knows only the new name.
    assert placed.matcher.match("RCS & RDS S.A.").decision != "linked"


def test_place_writes_the_companies_into_the_sample(tmp_path: Path) -> None:
    make_sample(tmp_path / "sample", companies=50, seed=1)
    company = RealCompany("TAVCOS CONSTRUCT SRL", "14464060", "J18/72/2002", "Galaţi", "", ())
    present, absent = place(tmp_path / "sample", [company], absent=0.0)
    assert (present, absent) == ([company], [])
    firme = next((tmp_path / "sample").glob("firme-*")) / "OD_FIRME.CSV"
    assert "TAVCOS CONSTRUCT SRL^14464060^J18/72/2002" in firme.read_text(encoding="utf-8")
