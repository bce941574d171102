"""Generated sample data in exactly the official file formats, clearly marked as such.

``make_sample`` writes one ONRC snapshot (every ``OD_*`` file and the ``N_*`` code tables)
and three years of MF financial statements, laid out as the data.gov.ro datasets are
(``firme-DD-MM-YYYY/``, ``nomenclatoare-DD-MM-YYYY/``, ``situatii_financiare_YYYY/``). The
companies are invented, but shaped like the real register: shared words, near-duplicates,
generic names, sole traders named after people, about half struck off, and every quirk the
reference documents (onrc-open-data.md §7, mf-financial-statements.md §3-4) at realistic
rates. The first companies carry one quirk each, so that even a tiny sample has them all.

Deterministic for a seed. Work is split into chunks generated on all cores; what must be
unique across chunks (register numbers, CUIs) is assigned up front with numpy.
"""

from __future__ import annotations

import json
import multiprocessing
import random
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from importlib import resources
from pathlib import Path

import numpy as np
from stdnum.ro import cnp as stdnum_cnp
from stdnum.ro import cui as stdnum_cui

from firmsync.registry import vocabulary as voc

__all__ = ["SampleSummary", "make_sample"]

FIRME_HEADER = (
    "DENUMIRE^CUI^COD_INMATRICULARE^DATA_INMATRICULARE^EUID^FORMA_JURIDICA^ADR_TARA^"
    "ADR_JUDET^ADR_LOCALITATE^ADR_DEN_STRADA^ADR_NR_STRADA^ADR_BLOC^ADR_SCARA^ADR_ETAJ^"
    "ADR_APARTAMENT^ADR_COD_POSTAL^ADR_SECTOR^ADR_COMPLETARE^WEB^TARA_FIRMA_MAMA"
)
REPRESENTATIVES_HEADER = (
    "COD_INMATRICULARE^PERSOANA_IMPUTERNICITA^CALITATE^DATA_NASTERE^LOCALITATE_NASTERE^"
    "JUDET_NASTERE^TARA_NASTERE^LOCALITATE^JUDET^TARA"
)
MF_HEADER = "CUI,CAEN," + ",".join(f"I{n}" for n in range(1, 21))

# Status codes of the sample's N_STARE_FIRMA, with cedilla labels as ONRC writes them.
STATUS_LABELS = (
    ("1048", "funcţiune"),
    ("1084", "radiată"),
    ("1049", "dizolvare"),
    ("1052", "lichidare"),
    ("1070", "faliment"),
    ("1057", "reorganizare judiciară"),
    ("1107", "insolvenţă"),
    ("1117", "suspendare activitate / întrerupere temporară"),
    ("1085", "sediu expirat"),
    ("1050", "fuziune"),
)
# Share of registrations (per mille) by final state, and the status rows each one has.
STATES = (
    ("struck_off", 490, ("1084",)),
    ("active", 415, ("1048",)),
    ("dissolution", 20, ("1049",)),
    ("liquidation", 20, ("1049", "1052")),
    ("insolvency", 30, ("1048", "1107")),
    ("reorganisation", 5, ("1048", "1057")),
    ("bankruptcy", 10, ("1107", "1070")),
    ("suspended", 10, ("1117",)),
)
MF_LABELS = (
    "Active imobilizate - total",
    "Active circulante - total",
    "Stocuri",
    "Creanţe",
    "Casa şi conturi la bănci",
    "Cheltuieli în avans",
    "Datorii",
    "Venituri în avans",
    "Provizioane",
    "Capitaluri - total",
    "Capital subscris vărsat",
    "Patrimoniul regiei",
    "Cifra de afaceri netă",
    "Venituri totale",
    "Cheltuieli totale",
    "Profit brut",
    "Pierdere brută",
    "Profit net",
    "Pierdere netă",
    "Număr mediu de salariaţi",
)
_SUFFIXES = ("2000", "98", "2001", "GRUP", "PLUS", "M", "MD", "2020", "COM")
_CEDILLA = str.maketrans("șțȘȚ", "şţŞŢ")
_FOLD = str.maketrans("ăâîșțĂÂÎȘȚ", "aaistAAIST")
POSTAL_PREFIX = {
    "Alba": "51",
    "Arad": "31",
    "Argeș": "11",
    "Bacău": "60",
    "Bihor": "41",
    "Bistrița-Năsăud": "42",
    "Botoșani": "71",
    "Brașov": "50",
    "Brăila": "81",
    "Buzău": "12",
    "Caraș-Severin": "32",
    "Cluj": "40",
    "Constanța": "90",
    "Covasna": "52",
    "Dâmbovița": "13",
    "Dolj": "20",
    "Galați": "80",
    "Gorj": "21",
    "Harghita": "53",
    "Hunedoara": "33",
    "Ialomița": "92",
    "Iași": "70",
    "Ilfov": "07",
    "Maramureș": "43",
    "Mehedinți": "22",
    "Mureș": "54",
    "Neamț": "61",
    "Olt": "23",
    "Prahova": "10",
    "Satu Mare": "44",
    "Sălaj": "45",
    "Sibiu": "55",
    "Suceava": "72",
    "Teleorman": "14",
    "Timiș": "30",
    "Tulcea": "82",
    "Vaslui": "73",
    "Vâlcea": "24",
    "Vrancea": "62",
    "Călărași": "91",
    "Giurgiu": "08",
}
COUNTY_CODE = {
    "Alba": 1,
    "Arad": 2,
    "Argeș": 3,
    "Bacău": 4,
    "Bihor": 5,
    "Bistrița-Năsăud": 6,
    "Botoșani": 7,
    "Brașov": 8,
    "Brăila": 9,
    "Buzău": 10,
    "Caraș-Severin": 11,
    "Cluj": 12,
    "Constanța": 13,
    "Covasna": 14,
    "Dâmbovița": 15,
    "Dolj": 16,
    "Galați": 17,
    "Gorj": 18,
    "Harghita": 19,
    "Hunedoara": 20,
    "Ialomița": 21,
    "Iași": 22,
    "Ilfov": 23,
    "Maramureș": 24,
    "Mehedinți": 25,
    "Mureș": 26,
    "Neamț": 27,
    "Olt": 28,
    "Prahova": 29,
    "Satu Mare": 30,
    "Sălaj": 31,
    "Sibiu": 32,
    "Suceava": 33,
    "Teleorman": 34,
    "Timiș": 35,
    "Tulcea": 36,
    "Vaslui": 37,
    "Vâlcea": 38,
    "Vrancea": 39,
    "București": 40,
    "Călărași": 51,
    "Giurgiu": 52,
}
NEW_FORMAT_FROM = date(2024, 7, 26)
BLANK_DATES_FROM = date(2024, 9, 4)
CHUNK = 25_000
_COPRIME = 2_718_281  # odd, and prime to 5 and 7: coprime with 350**3
# Indices 0..QUIRKS-1 each carry one named quirk, so every sample has them all.
QUIRK_ORDER = (
    "unbalanced_quote",
    "quoted_name",
    "broken_row",
    "personal_code",
    "blank_cui",
    "zero_cui",
    "wrong_check_digit",
    "duplicate_cui",
    "duplicate_cui_second",
    "cedilla",
    "date_hhmm",
    "date_hhmmss",
    "new_registration",
    "postal_spaces",
    "insolvency_suffix",
    "generic_name",
    "no_representative",
    "truncated_cnp",
)
QUIRKS = len(QUIRK_ORDER)


@dataclass(frozen=True)
class SampleSummary:
    directory: Path
    snapshot: date
    companies: int
    files: dict[str, int]  # file path (relative) → data rows written


@dataclass(frozen=True)
class _Plan:
    """What is decided up front for every company, so chunks agree with each other."""

    seed: int
    snapshot: date
    years: tuple[int, ...]
    kind: np.ndarray  # 0 J, 1 F, 2 C
    place: np.ndarray  # index into voc.PLACES
    registered: np.ndarray  # days since 1990-01-01
    serial: np.ndarray
    new_format: np.ndarray  # the register number is in the 14-character form
    pair: np.ndarray  # this company and the next share a CUI


_PLAN: _Plan | None = None  # set in the parent before the pool forks


def _caen_classes() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    raw = json.loads(resources.files("caen_romania").joinpath("data.json").read_text("utf-8"))
    rev2 = [(code, entry[0]) for code, entry in raw["rev2"].items() if len(code) == 4]
    rev3 = [(code, entry[0]) for code, entry in raw["rev3"].items() if len(code) == 4]
    return rev2, rev3


_REV2, _REV3 = _caen_classes()
_COMMON_CAEN = [
    c
    for c, _ in _REV2
    if c[:2]
    in {"41", "43", "46", "47", "49", "56", "62", "69", "70", "71", "73", "86", "96", "01", "10"}
]


def _plan(companies: int, seed: int, snapshot: date, years: tuple[int, ...]) -> _Plan:
    rng = np.random.default_rng(seed)
    kind = rng.choice(3, size=companies, p=[0.70, 0.29, 0.01]).astype(np.int8)
    weights = np.array([w for _, _, w in voc.PLACES], dtype=float)
    place = rng.choice(len(voc.PLACES), size=companies, p=weights / weights.sum()).astype(np.int16)
    # More registrations in recent years; none after the snapshot.
    start = date(1991, 1, 1)
    span = (snapshot - start).days
    registered = (span * np.sqrt(rng.random(companies))).astype(np.int32) + (
        start - date(1990, 1, 1)
    ).days
    # About 2% of companies were registered twice under one CUI: an old registration, struck
    # off, then a new one with a new-format number (CUI 37135520: J29/391/2017, J2018000506398).
    pair = rng.random(companies) < 0.02
    pair[:QUIRKS] = False
    pair[QUIRK_ORDER.index("duplicate_cui")] = companies > QUIRKS
    pair[CHUNK - 1 :: CHUNK] = False  # both registrations in one chunk
    pair[-1] = False
    pair &= ~np.r_[False, pair[:-1]]  # no company is in two pairs
    second = np.r_[False, pair[:-1]]
    kind[pair | second] = 0
    epoch = date(1990, 1, 1)
    registered[pair] = np.minimum(registered[pair], (date(2017, 5, 2) - epoch).days)
    registered[second] = np.clip(
        registered[second], (date(2018, 3, 1) - epoch).days, (date(2023, 12, 31) - epoch).days
    )
    new_format = (registered >= (NEW_FORMAT_FROM - epoch).days) | second
    days = np.datetime64("1990-01-01") + registered.astype("timedelta64[D]")
    year = days.astype("datetime64[Y]").astype(np.int64) + 1970
    # Serials count per letter, county and year; new numbers carry county 00, so one count.
    county_key = np.where(new_format, 63, place).astype(np.int64)
    group = (((kind.astype(np.int64) * 64 + county_key) * 64 + (year - 1990)) * 2) + new_format
    order = np.lexsort((np.arange(companies), group))
    sorted_group = group[order]
    starts = np.r_[0, np.flatnonzero(np.diff(sorted_group)) + 1]
    rank = np.arange(companies) - np.repeat(starts, np.diff(np.r_[starts, companies]))
    serial = np.empty(companies, dtype=np.int32)
    serial[order] = rank + 1
    return _Plan(seed, snapshot, years, kind, place, registered, serial, new_format, pair)


def coined_word(rng: random.Random) -> str:
    """A made-up word of three syllables, as founders coin them: ``DORALEX``."""
    return "".join(rng.choices(voc.SYLLABLES, k=3))


def _company_word(index: int, seed: int) -> str:
    """Company ``index``'s own coined word: a different one for every company of a sample.

    The register refuses a name too close to an existing company's; giving each company a
    word of its own (a permutation of the indices onto the syllable triples) makes names
    as distinct as that rule does, without coordinating the chunks generated in parallel.
    """
    size = len(voc.SYLLABLES)
    n = (index * _COPRIME + seed * 7_919) % size**3  # _COPRIME: a bijection modulo size**3
    return voc.SYLLABLES[n // size**2] + voc.SYLLABLES[n // size % size] + voc.SYLLABLES[n % size]


def surname(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return rng.choice(voc.SURNAMES)
    return rng.choice(voc.SURNAME_ROOTS) + rng.choice(voc.SURNAME_ENDINGS)


def person_name(rng: random.Random, *, initial: bool = False) -> str:
    """Surname, optionally the father's initial, and one or two given names.

    Sole traders' and family businesses' names often carry the father's initial
    (``POPESCU V. ION``), which tells namesakes apart; representatives are listed without.
    """
    given = rng.choice(voc.GIVEN)
    if rng.random() < 0.5:
        given += "-" + rng.choice(voc.GIVEN)
    if initial:
        return f"{surname(rng)} {rng.choice('ABCDEFGHIJLMNOPRSTVZ')}. {given}"
    return f"{surname(rng)} {given}"


def company_core(rng: random.Random, coined: str) -> str:
    """A company name without its legal form, made with the coined word ``coined``.

    The register refuses a name too close to an operating company's, so almost every name
    has a word of its own (a coined word, or a rare mix of business words); a few generic
    and plain names are shared by many registrations (the early 1990s allowed it; a
    struck-off company's name is free again), as in the real register.
    """
    stems = voc.STEMS
    roll = rng.random()
    if roll < 0.50:
        extra = rng.choices(stems, k=rng.choice((0, 1, 1, 2)))
        return " ".join([coined, *extra])
    if roll < 0.66:
        return " ".join(rng.choices(stems, k=3))
    if roll < 0.75:
        return f"{rng.choice(stems)} {coined}"
    if roll < 0.81:
        return f"{surname(rng)} {coined}"
    if roll < 0.84:
        return f"{rng.choice(voc.GIVEN)} & {rng.choice(voc.GIVEN)} {rng.choice(stems)}"
    if roll < 0.92:
        place = rng.choice(voc.PLACES)[1][0].split(" Sectorul")[0].upper()
        return f"{rng.choice(stems)} {coined} {place}"
    if roll < 0.97:
        return f"{rng.choice(stems)}{rng.choice(stems).lower().capitalize()} {coined}".upper()
    if roll < 0.985:
        return f"{rng.choice(stems)} {rng.choice(_SUFFIXES)}"
    if roll < 0.99:
        return f"{rng.choice(stems)} {rng.choice(stems)}"
    return rng.choice(voc.GENERIC)


def _cui(index: int) -> str:
    base = str(100_000 + (index * 7_368_787) % 9_000_000)
    return base + stdnum_cui.calc_check_digit(base)


def _cnp(rng: random.Random) -> str:
    body = f"{rng.choice('12')}{rng.randint(50, 99):02d}{rng.randint(1, 12):02d}"
    body += f"{rng.randint(1, 28):02d}{rng.randint(1, 40):02d}{rng.randint(1, 999):03d}"
    return body + stdnum_cnp.calc_check_digit(body)


def _register_number(letter: str, county: int, serial: int, day: date, new: bool) -> str:
    if not new:
        return f"{letter}{county:02d}/{serial}/{day.year}"
    county_part = 0 if day.year >= 2025 or day >= NEW_FORMAT_FROM else county
    body = f"{letter}{day.year}{serial:06d}{county_part:02d}"
    check = (ord(letter) % 10 + sum(int(d) for d in body[1:])) % 10
    return f"{body}{check}"


class _Chunk:
    """Generates the rows of companies ``start..stop`` for every file."""

    def __init__(self, plan: _Plan, start: int, stop: int) -> None:
        self.plan = plan
        self.start, self.stop = start, stop
        self.rng = random.Random(plan.seed * 1_000_003 + start)
        self.out: dict[str, list[str]] = {
            name: [] for name in ("firme", "stare", "stare_late", "caen", "repr")
        }
        for year in plan.years:
            self.out[f"uu{year}"] = []
            self.out[f"bl{year}"] = []

    # --- one company -------------------------------------------------------------------
    def company(self, i: int, quirk: str | None, pair_cui: str | None) -> str | None:
        """Writes company ``i``; returns its CUI when the next one should share it."""
        plan, rng, out = self.plan, self.rng, self.out
        kind = int(plan.kind[i])
        county, localities, _ = voc.PLACES[int(plan.place[i])]
        day = date(1990, 1, 1) + timedelta(days=int(plan.registered[i]))
        serial, new_format = int(plan.serial[i]), bool(plan.new_format[i])
        if quirk == "new_registration":  # a new-format number for a day after 2025-01-01
            day, new_format, serial = max(day, date(2025, 3, 14)), True, 900_000 + i
        letter = "JFC"[kind]
        reg = _register_number(letter, COUNTY_CODE[county], serial, day, new_format)
        state_roll = rng.randrange(1000)
        state, codes = STATES[-1][0], STATES[-1][2]
        acc = 0
        for name, share, state_codes in STATES:
            acc += share
            if state_roll < acc:
                state, codes = name, state_codes
                break
        if quirk == "duplicate_cui":
            state, codes = "struck_off", ("1084",)
        elif quirk in ("duplicate_cui_second", "generic_name", "postal_spaces", "cedilla"):
            state, codes = "active", ("1048",)
        elif quirk == "insolvency_suffix":
            state, codes = "insolvency", ("1048", "1107")

        # Name and legal form.
        if kind == 1:
            person = person_name(rng, initial=rng.random() < 0.6)
            form = rng.choices(("PFA", "II", "IF"), (60, 35, 5))[0]
            spelled = rng.random() < 0.5
            suffix = (
                {
                    "PFA": "PERSOANĂ FIZICĂ AUTORIZATĂ",
                    "II": "ÎNTREPRINDERE INDIVIDUALĂ",
                    "IF": "ÎNTREPRINDERE FAMILIALĂ",
                }[form]
                if spelled
                else form
            )
            name = f"{person} {suffix}"
        else:
            form = "SRL" if kind == 0 else "OC1"
            if kind == 0 and rng.random() < 0.04:
                form = rng.choices(("SA", "SNC", "SCS", "RA"), (80, 10, 8, 2))[0]
            core = (
                "CONSTRUCT"
                if quirk == "generic_name"
                else company_core(rng, _company_word(i, plan.seed))
            )
            written = form if rng.random() < 0.93 else ".".join(form) + "."
            name = f"{core} {written}" if kind == 0 else f"COOPERATIVA {core}"
        if pair_cui is not None:
            name = out["firme"][-1].split("^", 1)[0]
        if quirk == "unbalanced_quote" or rng.random() < 0.00015:
            name = f'" {name}'
        elif quirk == "quoted_name" or rng.random() < 0.00027:
            first, _, rest = name.partition(" ")
            name = f'"{first}" {rest}'
        if state in ("insolvency", "reorganisation", "bankruptcy") and rng.random() < 0.6:
            name += rng.choice(
                (
                    " - IN INSOLVENTA",
                    " - ÎN INSOLVENŢĂ",
                    " (IN INSOLVENTA)",
                    " - IN INSOLVENCY, IN INSOLVENTA, EN PROCEDURE COLLECTIVE",
                    " - IN FALIMENT" if state == "bankruptcy" else " - IN REORGANIZARE JUDICIARA",
                )
            )
        elif state == "liquidation" and rng.random() < 0.5:
            name += " - IN LICHIDARE"
        cedilla = quirk == "cedilla" or rng.random() < 0.45
        if cedilla:
            name = name.translate(_CEDILLA)
        if quirk == "cedilla" and "Ş" not in name and "Ţ" not in name:
            name = f"ŢARA {name}".translate(_CEDILLA)

        # CUI.
        if pair_cui is not None:
            cui = pair_cui
        elif quirk == "duplicate_cui":
            cui = _cui(i)
        elif quirk == "blank_cui":
            cui = ""
        elif quirk == "zero_cui":
            cui = "0"
        elif quirk == "personal_code" or (kind == 1 and rng.random() < 0.10):
            cui = _cnp(rng)
        elif quirk == "truncated_cnp" or rng.random() < 0.00001:
            cui = _cnp(rng)[: rng.choice((11, 12))]
        elif rng.random() < 0.02:
            cui = rng.choice(("", "0"))
        else:
            cui = _cui(i)
            if quirk == "wrong_check_digit" or rng.random() < 0.00007:
                cui = cui[:-1] + str((int(cui[-1]) + 1) % 10)

        # Date: blank after 2024-09-03; sometimes with a time.
        if day >= BLANK_DATES_FROM:
            written_date = ""
        else:
            written_date = day.strftime("%d/%m/%Y")
            if quirk == "date_hhmm" or rng.random() < 0.05:
                written_date += f" {rng.randrange(8, 18):02d}:{rng.randrange(60):02d}"
            elif quirk == "date_hhmmss" or rng.random() < 0.05:
                written_date += (
                    f" {rng.randrange(8, 18):02d}:{rng.randrange(60):02d}:{rng.randrange(60):02d}"
                )

        # Address.
        locality = rng.choice(localities)
        sector = locality.rsplit(" ", 1)[1] if county == "București" else ""
        street = f"{rng.choice(voc.STREET_TYPES)} {rng.choice(voc.STREET_NAMES)}"
        if cedilla:
            street, locality_w, county_w = (
                street.translate(_CEDILLA),
                locality.translate(_CEDILLA),
                county.translate(_CEDILLA),
            )
        else:
            locality_w, county_w = locality, county
        if county == "București" and rng.random() < 0.3:
            county_w = "Municipiul " + county_w
        number = str(rng.randint(1, 220)) if rng.random() < 0.95 else ""
        flat = rng.random() < 0.25
        block = f"{rng.choice('ABCDM')}{rng.randint(1, 40)}" if flat else ""
        staircase = rng.choice("123AB") if flat and rng.random() < 0.6 else ""
        floor = str(rng.randint(0, 10)) if flat else ""
        apartment = str(rng.randint(1, 120)) if flat else ""
        # A locality has a few hundred postal codes at most, as in reality.
        street_code = (zlib.crc32(locality.encode()) + rng.randrange(300)) % 10000
        prefix = f"0{sector}" if county == "București" else POSTAL_PREFIX[county]
        postal = f"{prefix}{street_code:04d}"
        if quirk == "postal_spaces" or rng.random() < 0.002:
            postal = "  " + postal
        elif rng.random() < 0.08:
            postal = ""
        details = ""
        if rng.random() < 0.1:
            details = rng.choice(("CAMERA 1", "PARTER", "SPAŢIUL NR. 2", "CORP C1", "LOT 3"))
        if quirk == "broken_row" or rng.random() < 0.00002:
            details = "ET. 2\r\nCAMERA 3"
        web = (
            f"www.{name.split()[0].strip(chr(34)).lower().translate(_FOLD)}.ro"
            if rng.random() < 0.003
            else ""
        )
        parent_country = "Germania" if rng.random() < 0.001 else ""
        out["firme"].append(
            "^".join(
                (
                    name,
                    cui,
                    reg,
                    written_date,
                    f"ROONRC.{reg}",
                    form,
                    "România",
                    county_w,
                    locality_w,
                    street,
                    number,
                    block,
                    staircase,
                    floor,
                    apartment,
                    postal,
                    sector,
                    details,
                    web,
                    parent_country,
                )
            )
        )

        # Status rows: most right away, some later in the file (not adjacent).
        out["stare"].append(f"{reg}^{codes[0]}")
        for code in codes[1:]:
            out["stare_late"].append(f"{reg}^{code}")
        if state == "active" and rng.random() < 0.03:
            out["stare_late"].append(f"{reg}^1085")

        # Authorised CAEN codes, sorted, none for about a quarter.
        if rng.random() < 0.76:
            revision = "3" if day.year >= 2025 else "2"
            table = _REV3 if revision == "3" else _REV2
            count = min(int(rng.expovariate(1 / 5.2)) + 1, 40)
            picked = {
                rng.choice(_COMMON_CAEN) if revision == "2" else rng.choice(table)[0]
                for _ in range(count)
            }
            out["caen"].extend(f"{reg}^{code}^{revision}" for code in sorted(picked))

        # Representatives: name and role, plus the birth data the real file carries.
        if quirk == "no_representative" or rng.random() < 0.01:
            out["repr"].append(f"{reg}^FARA REPREZENTANT^^^^^^^^")
        else:
            people = (
                [person]
                if kind == 1
                else [person_name(rng) for _ in range(1 if rng.random() < 0.8 else 2)]
            )
            for person in people:
                role = (
                    "TITULAR"
                    if kind == 1
                    else rng.choices([r for r, _ in voc.ROLES], [w for _, w in voc.ROLES])[0]
                )
                if rng.random() < 0.89:
                    day_, month_ = rng.randint(1, 28), rng.randint(1, 12)
                    birth = f"{day_:02d}/{month_:02d}/{rng.randint(1950, 2002)}"
                    place = rng.choice(voc.PLACES)
                    born = f"{birth}^{place[1][0]}^{place[0]}^România"
                else:
                    born = "^^^"
                out["repr"].append(f"{reg}^{person}^{role}^{born}^{locality}^{county}^România")
            if state in ("insolvency", "bankruptcy", "liquidation", "reorganisation"):
                role = "LICHIDATOR" if state == "liquidation" else "ADMINISTRATOR JUDICIAR"
                out["repr"].append(
                    f"{reg}^CASA DE INSOLVENŢĂ {rng.choice(voc.STEMS)} SPRL^{role}^^^^^^^"
                )

        # Financial statements, for companies that trade and have a CUI.
        if kind == 0 and cui and len(cui) <= 10 and cui != "0" and state != "struck_off":
            self._financials(cui, day, state)
        return cui if quirk == "duplicate_cui" else None

    def _financials(self, cui: str, registered: date, state: str) -> None:
        rng, out = self.rng, self.out
        big = rng.random() < 0.08
        employees = max(0, int(rng.lognormvariate(3.5 if big else 0.8, 1.2)))
        turnover = int(rng.lognormvariate(15.5 if big else 12.0, 1.6))
        caen = rng.choice(_COMMON_CAEN)
        for year in self.plan.years:
            if year < registered.year or rng.random() < 0.1:
                continue
            growth = rng.uniform(0.8, 1.3)
            turnover = int(turnover * growth)
            expenses = int(turnover * rng.uniform(0.7, 1.1))
            revenue = turnover + rng.randrange(0, max(1, turnover // 20))
            gross = revenue - expenses
            net = int(gross * 0.9) if gross > 0 else gross
            fixed = int(turnover * rng.uniform(0.1, 0.8))
            current = int(turnover * rng.uniform(0.2, 0.6))
            debts = int((fixed + current) * rng.uniform(0.2, 0.9))
            capital = rng.choice((200, 200, 200, 1000, 5000, 25_000, 90_000))
            equity = fixed + current - debts
            staff = employees if rng.random() > 0.00005 else 5_009_387_154
            values = [
                fixed,
                current,
                int(current * 0.3),
                int(current * 0.5),
                int(current * 0.2),
                rng.randrange(0, 2000),
                debts,
                0,
                0,
                equity,
                capital,
                0,
                turnover,
                revenue,
                expenses,
                max(gross, 0),
                max(-gross, 0),
                max(net, 0),
                max(-net, 0),
                staff,
            ]
            cells = [str(v) for v in values]
            if rng.random() < 0.02:
                cells[rng.randrange(20)] = rng.choice(("", "-"))
            written_cui = cui if rng.random() > 0.005 else f"RO {cui}"
            family = "bl" if big else "uu"
            delimiter = ";" if (family, year) == ("bl", self.plan.years[0]) else ","
            out[f"{family}{year}"].append(delimiter.join([written_cui, str(int(caen)), *cells]))

    def run(self) -> dict[str, tuple[str, int]]:
        pair: str | None = None
        for i in range(self.start, self.stop):
            quirk = QUIRK_ORDER[i] if i < QUIRKS else None
            if self.plan.pair[i]:
                quirk = "duplicate_cui"
            pair = self.company(i, quirk if pair is None else "duplicate_cui_second", pair)
        self.out["stare"].extend(self.out.pop("stare_late"))
        return {
            name: ("".join(f"{line}\r\n" for line in lines), len(lines))
            for name, lines in self.out.items()
        }


def _run_chunk(bounds: tuple[int, int]) -> dict[str, tuple[str, int]]:
    assert _PLAN is not None
    return _Chunk(_PLAN, *bounds).run()


def _n_caen_lines() -> Iterator[str]:
    yield "SECTIUNEA^SUBSECTIUNEA^DIVIZIUNEA^GRUPA^CLASA^DENUMIRE^VERSIUNE_CAEN"
    raw = json.loads(resources.files("caen_romania").joinpath("data.json").read_text("utf-8"))
    for revision, table in (("2", raw["rev2"]), ("3", raw["rev3"])):
        section = ""
        for code, (title, _) in table.items():
            if code.isalpha():
                section = code
                yield f"{section}^^^^^{title}^{revision}"
            elif len(code) == 4:
                yield f"{section}^^{code[:2]}^{code[:3]}^{code}^{title}^{revision}"


def _write(
    path: Path,
    header: str,
    body: Iterator[str] | None = None,
    *,
    bom: bool = True,
    encoding: str = "utf-8",
) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig" if bom else encoding, newline="") as handle:
        handle.write(header + "\r\n")
        for line in body or ():
            handle.write(line + "\r\n")


SAMPLE_README = """\
# firmsync sample register — GENERATED SAMPLE DATA

Everything in this folder was generated by `firmsync registry make-sample` (seed {seed},
{companies} companies). The companies, people, CUIs and figures are **invented**; only the
file formats, names and layouts follow the official open data published on data.gov.ro by
ONRC (trade register, snapshot datasets `firme-DD-MM-YYYY`, `nomenclatoare-DD-MM-YYYY`) and
by the Ministry of Finance (`situatii_financiare_YYYY`). Do not use it as real data.

CAEN titles in `N_CAEN.CSV`: INS data via the caen-romania package (OGL-ROU-1.0).
"""


def make_sample(
    out: Path,
    *,
    companies: int,
    seed: int = 1,
    snapshot: date = date(2026, 11, 2),
    years: tuple[int, ...] = (2023, 2024, 2025),
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> SampleSummary:
    """Write a sample snapshot under ``out``; ``progress`` is called with companies done."""
    global _PLAN
    if companies < 1:
        raise ValueError("companies must be at least 1")
    stamp = snapshot.strftime("%d-%m-%Y")
    onrc_dir, codes_dir = out / f"firme-{stamp}", out / f"nomenclatoare-{stamp}"
    for folder in (onrc_dir, codes_dir):
        folder.mkdir(parents=True, exist_ok=True)
    (out / "README.md").write_text(SAMPLE_README.format(seed=seed, companies=companies), "utf-8")
    _write(
        codes_dir / "N_STARE_FIRMA.CSV",
        "COD^DENUMIRE",
        (f"{c}^{label}" for c, label in STATUS_LABELS),
    )
    _write(
        codes_dir / "N_VERSIUNE_CAEN.CSV",
        "COD^DESCRIERE",
        iter(("0^Versiunea 1998", "1^Versiunea 2003", "2^Versiunea 2008", "3^Versiunea 2025")),
    )
    caen_lines = _n_caen_lines()
    _write(codes_dir / "N_CAEN.CSV", next(caen_lines), caen_lines)

    files = {
        "firme": (onrc_dir / "OD_FIRME.CSV", FIRME_HEADER, "utf-8-sig"),
        "stare": (onrc_dir / "OD_STARE_FIRMA.CSV", "COD_INMATRICULARE^COD", "utf-8-sig"),
        "caen": (
            onrc_dir / "OD_CAEN_AUTORIZAT.CSV",
            "COD_INMATRICULARE^COD_CAEN_AUTORIZAT^VER_CAEN_AUTORIZAT",
            "utf-8-sig",
        ),
        "repr": (onrc_dir / "OD_REPREZENTANTI_LEGALI.CSV", REPRESENTATIVES_HEADER, "utf-8-sig"),
    }
    for year in years:
        folder = out / f"situatii_financiare_{year}"
        folder.mkdir(parents=True, exist_ok=True)
        # One year's description files are in cp1250, as some published ones are.
        label_encoding = "cp1250" if year == years[1 % len(years)] else "utf-8"
        for family, stem in (("uu", f"web_uu_an{year}"), ("bl", f"web_bl_bs_sl_an{year}")):
            header = (
                MF_HEADER.replace(",", ";") if (family, year) == ("bl", years[0]) else MF_HEADER
            )
            files[f"{family}{year}"] = (folder / f"{stem}.txt", header, "utf-8")
            labels = (f"{label};I{n}" for n, label in enumerate(MF_LABELS, start=1))
            with (folder / f"{stem}.csv").open("w", encoding=label_encoding, newline="") as handle:
                handle.writelines(f"{line}\r\n" for line in labels)

    handles = {}
    counts = {key: 0 for key in files}
    for key, (path, header, encoding) in files.items():
        handles[key] = path.open("w", encoding=encoding, newline="")
        handles[key].write(header + "\r\n")
    _PLAN = _plan(companies, seed, snapshot, years)
    bounds = [(start, min(start + CHUNK, companies)) for start in range(0, companies, CHUNK)]
    try:
        context = multiprocessing.get_context("fork")
        with context.Pool(workers or multiprocessing.cpu_count()) as pool:
            for (start, stop), chunk in zip(bounds, pool.imap(_run_chunk, bounds), strict=True):
                for key, (text, rows) in chunk.items():
                    handles[key].write(text)
                    counts[key] += rows
                if progress:
                    progress(stop - start)
    finally:
        _PLAN = None
        for handle in handles.values():
            handle.close()
    written = {str(files[k][0].relative_to(out)): n for k, n in counts.items()}
    return SampleSummary(out, snapshot, companies, written)
