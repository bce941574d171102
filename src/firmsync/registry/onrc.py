"""Rows of the ONRC open-data files, turned into register records.

One function per file kind turns the fields of a record into the tuple the store loads, or
reports why it cannot (onrc-open-data.md §4-§8). Personal data is dropped here, at the edge:
a 13-digit personal code in the CUI column never leaves this module, and of a representative
only the name and the role are kept (never birth date, birth place or residence).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from dataclasses import dataclass

from firmsync.identity import counties, cui, text
from firmsync.registry.reader import DelimitedFile, Span

__all__ = [
    "REGISTRATION_COLUMNS",
    "category_of_label",
    "parse_caen_authorised",
    "parse_registrations",
    "parse_representatives",
    "parse_status_codes",
]

# The columns of the store's registration table that come from OD_FIRME, in load order.
REGISTRATION_COLUMNS = (
    "reg_number",
    "cui",
    "cui_issue",
    "name",
    "euid",
    "legal_form",
    "registered_on",
    "country",
    "county",
    "locality",
    "street",
    "number",
    "block",
    "staircase",
    "floor",
    "apartment",
    "postal_code",
    "sector",
    "details",
    "web",
    "parent_country",
    "old_status_codes",
    "line",
)

_ADDRESS = (
    ("ADR_TARA", "country"),
    ("ADR_JUDET", "county"),
    ("ADR_LOCALITATE", "locality"),
    ("ADR_DEN_STRADA", "street"),
    ("ADR_NR_STRADA", "number"),
    ("ADR_BLOC", "block"),
    ("ADR_SCARA", "staircase"),
    ("ADR_ETAJ", "floor"),
    ("ADR_APARTAMENT", "apartment"),
)
_DATE = re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")
PERSONAL_ISSUES = frozenset({"personal_code", "invalid_length"})


class MissingColumns(ValueError):
    """The header lacks columns a file of this kind must have."""


def _require(source: DelimitedFile, *names: str) -> None:
    missing = [n for n in names if source.column(n) is None]
    if missing:
        raise MissingColumns(f"{source.path.name}: missing column(s) {', '.join(missing)}")


def iso_date(value: str) -> str | None:
    """``DD/MM/YYYY`` with an optional ``HH:MM[:SS]`` → ``YYYY-MM-DD``; ``None`` if not a date.

    >>> iso_date('06/05/2012 13:27:41')
    '2012-05-06'
    >>> iso_date('31/02/2012') is None
    True
    """
    match = _DATE.match(value)
    if not match:
        return None
    day, month, year = (int(g) for g in match.groups())
    if not (1 <= month <= 12 and 1 <= day <= 31 and 1800 < year < 2100):
        return None
    if day > 28 and day > calendar.monthrange(year, month)[1]:
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def postal_code(value: str) -> str | None:
    """Six digits, spaces removed and a lost leading zero restored; ``None`` if not a code.

    >>> postal_code('  012345'), postal_code('12345'), postal_code('ABC')
    ('012345', '012345', None)
    """
    digits = value.replace(" ", "")
    if not digits.isdigit() or not 4 <= len(digits) <= 6:
        return None
    return digits.zfill(6)


def parse_registrations(
    source: DelimitedFile, span: Span | None = None
) -> Iterator[tuple[object, ...]]:
    """Records of ``OD_FIRME`` (current layout) or the old ``*firme_*_sediu*`` files.

    The hot loop of an import (4.2 million rows): diacritics are fixed once per record, and
    values that repeat (dates, counties, postal codes) are converted once each.
    """
    _require(source, "DENUMIRE", "CUI", "COD_INMATRICULARE")
    report = source.report
    width = len(source.header)

    def at(*names: str) -> int:
        """A column's position; a missing column reads the empty value kept at the end."""
        for name in names:
            position = source.column(name)
            if position is not None:
                return position
        return width

    name_i, cui_i, reg_i = at("DENUMIRE"), at("CUI"), at("COD_INMATRICULARE")
    date_i, postal_i, status_i = at("DATA_INMATRICULARE"), at("ADR_COD_POSTAL"), at("STARE_FIRMA")
    county_i = at("ADR_JUDET")
    # Copied as they are (empty → None), in REGISTRATION_COLUMNS order around the converted ones.
    before = [at("EUID"), at("FORMA_JURIDICA")]
    address = [at(c) for c, _ in _ADDRESS]
    address[4] = at("ADR_NR_STRADA", "ADR_DEN_NR_STRADA")  # the old layout's name
    after = [at("ADR_SECTOR"), at("ADR_COMPLETARE"), at("WEB"), at("TARA_FIRMA_MAMA")]
    classify = cui.classify
    dates: dict[str, str | None] = {}
    county_names: dict[str, str] = {}
    postal_codes: dict[str, str | None] = {}

    records = source.records(span, transform=text.to_comma_below)
    for line, f in records:
        f.append("")
        reg, name = f[reg_i], f[name_i]
        if not reg or not name:
            report.reject(line, "no register number" if not reg else "no name", "^".join(f))
            continue
        canonical, issue = classify(f[cui_i])
        if issue in PERSONAL_ISSUES:
            f[cui_i] = "<personal code removed>"  # never echo a CNP into a report
        registered = None
        raw = f[date_i]
        if raw:
            key = raw[:10]
            registered = dates.get(key, "?")
            if registered == "?":
                registered = dates[key] = iso_date(key)
            if registered is None or (len(raw) > 10 and iso_date(raw) is None):
                registered = None
                report.warn(line, "invalid registration date", raw)
        postal = None
        raw = f[postal_i]
        if raw:
            postal = postal_codes.get(raw, "?")
            if postal == "?":
                postal = postal_codes[raw] = postal_code(raw)
            if postal is None:
                report.warn(line, "invalid postal code", raw)
        values = [f[i] or None for i in address]
        county = f[county_i]
        if county:
            if county not in county_names:
                county_names[county] = counties.canonical(county) or county
            values[1] = county_names[county]
        old_codes = None
        if f[status_i]:
            old_codes = ",".join(sorted(c.strip() for c in f[status_i].split(",") if c.strip()))
        yield (
            reg,
            canonical,
            issue,
            name,
            f[before[0]] or None,
            f[before[1]] or None,
            registered,
            *values,
            postal,
            *[f[i] or None for i in after],
            old_codes,
            line,
        )


def parse_status_codes(
    source: DelimitedFile, span: Span | None = None
) -> Iterator[tuple[str, str]]:
    """``OD_STARE_FIRMA``: (register number, status code), several per registration."""
    _require(source, "COD_INMATRICULARE", "COD")
    reg_i, code_i = source.column("COD_INMATRICULARE"), source.column("COD")
    for line, f in source.records(span):
        if not f[reg_i] or not f[code_i].isdigit():
            source.report.reject(line, "status row without register number or code", "^".join(f))
            continue
        yield f[reg_i], f[code_i]


def parse_caen_authorised(
    source: DelimitedFile, span: Span | None = None, *, versions: dict[str, int | None]
) -> Iterator[tuple[str, str, int | None]]:
    """``OD_CAEN_AUTORIZAT``: (register number, 4-digit code, revision).

    ``versions`` maps ``N_VERSIUNE_CAEN`` codes to revisions; recent exports write the bare
    code (``2``), older ones a text (``Versiunea 2008``).
    """

    def revision_of(value: str) -> int | None:
        if value in versions:
            return versions[value]
        if value.isdigit() and len(value) == 1:
            return int(value)
        return revision_of_description(value)

    _require(source, "COD_INMATRICULARE", "COD_CAEN_AUTORIZAT")
    reg_i = source.column("COD_INMATRICULARE")
    code_i = source.column("COD_CAEN_AUTORIZAT")
    version_i = source.column("VER_CAEN_AUTORIZAT")
    seen_versions: dict[str, int | None] = {}
    for line, f in source.records(span):
        code = f[code_i].replace(".", "")
        if not f[reg_i] or not code.isdigit() or len(code) > 4:
            source.report.reject(line, "CAEN row without register number or code", "^".join(f))
            continue
        revision = None
        if version_i is not None and f[version_i]:
            version = f[version_i]
            if version not in seen_versions:
                seen_versions[version] = revision_of(version)
            revision = seen_versions[version]
            if revision is None:
                source.report.warn(line, "unknown CAEN version", version)
        yield f[reg_i], code.zfill(4), revision


def parse_representatives(
    source: DelimitedFile, span: Span | None = None
) -> Iterator[tuple[str, str, str | None]]:
    """``OD_REPREZENTANTI_LEGALI`` / ``_IF``: (register number, name, role) — nothing else."""
    _require(source, "COD_INMATRICULARE")
    name_i = source.column("PERSOANA_IMPUTERNICITA")
    if name_i is None:
        name_i = source.column("NUME")
    if name_i is None:
        raise MissingColumns(f"{source.path.name}: missing column PERSOANA_IMPUTERNICITA")
    reg_i, role_i = source.column("COD_INMATRICULARE"), source.column("CALITATE")
    comma_below = text.to_comma_below
    for line, f in source.records(span):
        name = f[name_i]
        if not f[reg_i]:
            source.report.reject(line, "representative without register number", f[reg_i])
            continue
        if not name or text.fold(name) == "FARA REPREZENTANT":
            continue  # the placeholder for "no representative" is not a person
        role = f[role_i] if role_i is not None else ""
        yield f[reg_i], comma_below(name), (comma_below(role) or None)


@dataclass(frozen=True)
class StatusLabel:
    code: str
    label: str
    category: str | None


# Which state a status label puts a registration in; the labels come from N_STARE_FIRMA at
# every import (never hard-coded), the keywords only say what a label means.
_CATEGORY_WORDS = (
    ("RADIAT", "struck_off"),
    ("FALIMENT", "bankruptcy"),
    ("LICHIDARE", "liquidation"),
    ("DIZOLVARE", "dissolution"),
    ("INSOLVENT", "insolvency"),
    ("REORGANIZARE JUDICIARA", "insolvency"),
    ("PROCEDURA GENERALA", "insolvency"),
    ("SUSPENDARE", "suspended"),
    ("INTRERUPERE TEMPORARA", "suspended"),
    ("FUNCTIUNE", "active"),
)
# Precedence when a registration has several codes: the gravest wins.
CATEGORY_RANK = {
    "active": 1,
    "suspended": 2,
    "insolvency": 3,
    "dissolution": 4,
    "liquidation": 5,
    "bankruptcy": 6,
    "struck_off": 7,
}
RANK_CATEGORY = {rank: category for category, rank in CATEGORY_RANK.items()}


def category_of_label(label: str) -> str | None:
    """The state a status label stands for; ``None`` for administrative notes.

    >>> category_of_label('funcţiune'), category_of_label('radiată')
    ('active', 'struck_off')
    >>> category_of_label('sediu expirat') is None
    True
    """
    folded = text.fold(label)
    for word, category in _CATEGORY_WORDS:
        if word in folded:
            return category
    return None


def parse_status_labels(source: DelimitedFile) -> Iterator[StatusLabel]:
    """``N_STARE_FIRMA`` (or the old ``5nomenclator_stari_firma``): code → label."""
    code_i = source.column("COD")
    label_i = source.column("DENUMIRE")
    if code_i is None or label_i is None:
        code_i, label_i = 0, 1
    for line, f in source.records():
        if not f[code_i].isdigit():
            source.report.reject(line, "status label without a numeric code", "^".join(f))
            continue
        label = text.to_comma_below(f[label_i])
        yield StatusLabel(f[code_i], label, category_of_label(label))


def parse_caen_versions(source: DelimitedFile) -> Iterator[tuple[str, str, int | None]]:
    """``N_VERSIUNE_CAEN``: (code, description, revision) — 2 for 2008, 3 for 2025."""
    for line, f in source.records():
        code, description = f[0], f[1] if len(f) > 1 else ""
        if not code:
            source.report.reject(line, "CAEN version without a code", "^".join(f))
            continue
        yield code, description, revision_of_description(description)


def revision_of_description(description: str) -> int | None:
    """``Versiunea 2008`` → 2, ``Versiunea 2025`` → 3, older ones 0 and 1.

    >>> revision_of_description('Versiunea 2008'), revision_of_description('CAEN Rev.3')
    (2, 3)
    """
    year = re.search(r"(19|20)\d{2}", description)
    if year:
        return {"1998": 0, "2003": 1, "2008": 2, "2025": 3}.get(year.group(0))
    rev = re.search(r"REV\.?\s*(\d)", description.upper())
    return int(rev.group(1)) if rev else None


def parse_caen_titles(source: DelimitedFile) -> Iterator[tuple[str, int | None, str]]:
    """``N_CAEN``: (4-digit class, revision code, title) for every class row."""
    _require(source, "CLASA", "DENUMIRE")
    class_i, title_i = source.column("CLASA"), source.column("DENUMIRE")
    version_i = source.column("VERSIUNE_CAEN")
    for _line, f in source.records():
        code = f[class_i].replace(".", "")
        if not code.isdigit():
            continue  # sections, divisions and groups have no class
        version = f[version_i] if version_i is not None else ""
        revision = int(version) if version.isdigit() else revision_of_description(version)
        yield code.zfill(4), revision, text.to_comma_below(f[title_i])
