"""Rows of the ONRC open-data files, turned into register records.

One function per file kind turns the fields of a record into the tuple the store loads, or
reports why it cannot (onrc-open-data.md §4-§8). Personal data is dropped here, at the edge:
a 13-digit personal code in the CUI column never leaves this module, and of a representative
only the name and the role are kept (never birth date, birth place or residence).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from firmsync.identity import counties, cui, text
from firmsync.registry.reader import DelimitedFile

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


def parse_registrations(source: DelimitedFile) -> Iterator[tuple[object, ...]]:
    """Records of ``OD_FIRME`` (current layout) or the old ``*firme_*_sediu*`` files."""
    _require(source, "DENUMIRE", "CUI", "COD_INMATRICULARE")
    report = source.report
    col = source.column
    name_i, cui_i, reg_i = col("DENUMIRE"), col("CUI"), col("COD_INMATRICULARE")
    date_i, euid_i, form_i = col("DATA_INMATRICULARE"), col("EUID"), col("FORMA_JURIDICA")
    number_i = col("ADR_NR_STRADA")
    if number_i is None:
        number_i = col("ADR_DEN_NR_STRADA")  # the old layout's name for the same column
    address = [col(c) for c, _ in _ADDRESS]
    address[4] = number_i
    postal_i, sector_i = col("ADR_COD_POSTAL"), col("ADR_SECTOR")
    details_i, web_i, parent_i = col("ADR_COMPLETARE"), col("WEB"), col("TARA_FIRMA_MAMA")
    status_i = col("STARE_FIRMA")
    comma_below, classify = text.to_comma_below, cui.classify
    county_name = counties.canonical

    for line, f in source.records():
        reg = f[reg_i]
        name = f[name_i]
        if not reg:
            report.reject(line, "no register number", "^".join(f))
            continue
        if not name:
            report.reject(line, "no name", "^".join(f))
            continue
        canonical, issue = classify(f[cui_i])
        if issue in PERSONAL_ISSUES:
            f[cui_i] = "<personal code removed>"  # never echo a CNP into a report
        registered = None
        if date_i is not None and f[date_i]:
            registered = iso_date(f[date_i])
            if registered is None:
                report.warn(line, "invalid registration date", f[date_i])
        values = [f[i] if i is not None else "" for i in address]
        values = [comma_below(v) if v else None for v in values]
        if values[1]:
            values[1] = county_name(values[1]) or values[1]
        postal = None
        if postal_i is not None and f[postal_i]:
            postal = postal_code(f[postal_i])
            if postal is None:
                report.warn(line, "invalid postal code", f[postal_i])
        old_codes = None
        if status_i is not None and f[status_i]:
            old_codes = ",".join(sorted(c.strip() for c in f[status_i].split(",") if c.strip()))
        yield (
            reg,
            canonical,
            issue,
            comma_below(name),
            (f[euid_i] or None) if euid_i is not None else None,
            (f[form_i] or None) if form_i is not None else None,
            registered,
            *values,
            postal,
            (f[sector_i] or None) if sector_i is not None else None,
            (comma_below(f[details_i]) or None) if details_i is not None else None,
            (f[web_i] or None) if web_i is not None else None,
            (comma_below(f[parent_i]) or None) if parent_i is not None else None,
            old_codes,
            line,
        )


def parse_status_codes(source: DelimitedFile) -> Iterator[tuple[str, str]]:
    """``OD_STARE_FIRMA``: (register number, status code), several per registration."""
    _require(source, "COD_INMATRICULARE", "COD")
    reg_i, code_i = source.column("COD_INMATRICULARE"), source.column("COD")
    for line, f in source.records():
        if not f[reg_i] or not f[code_i].isdigit():
            source.report.reject(line, "status row without register number or code", "^".join(f))
            continue
        yield f[reg_i], f[code_i]


def parse_caen_authorised(
    source: DelimitedFile, revision_of: Callable[[str], int | None]
) -> Iterator[tuple[str, str, int | None]]:
    """``OD_CAEN_AUTORIZAT``: (register number, 4-digit code, revision)."""
    _require(source, "COD_INMATRICULARE", "COD_CAEN_AUTORIZAT")
    reg_i = source.column("COD_INMATRICULARE")
    code_i = source.column("COD_CAEN_AUTORIZAT")
    version_i = source.column("VER_CAEN_AUTORIZAT")
    seen_versions: dict[str, int | None] = {}
    for line, f in source.records():
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


def parse_representatives(source: DelimitedFile) -> Iterator[tuple[str, str, str | None]]:
    """``OD_REPREZENTANTI_LEGALI`` / ``_IF``: (register number, name, role) — nothing else."""
    _require(source, "COD_INMATRICULARE")
    name_i = source.column("PERSOANA_IMPUTERNICITA")
    if name_i is None:
        name_i = source.column("NUME")
    if name_i is None:
        raise MissingColumns(f"{source.path.name}: missing column PERSOANA_IMPUTERNICITA")
    reg_i, role_i = source.column("COD_INMATRICULARE"), source.column("CALITATE")
    comma_below = text.to_comma_below
    for line, f in source.records():
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
