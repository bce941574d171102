"""Rows of the ONRC open-data files, turned into register records.

One function per file kind turns the fields of a record into the tuple the store loads, or
reports why it cannot (onrc-open-data.md §4-§8). Personal data is dropped here, at the edge:
a 13-digit personal code in the CUI column never leaves this module, and of a representative
only the name and the role are kept (never birth date, birth place or residence).
"""

from __future__ import annotations

import calendar
import operator
import re
from collections.abc import Iterable, Iterator
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
    "registration_columns",
    "require",
]

# The store's registration columns that every OD_FIRME row fills: first those converted
# here, then those copied as published (blank values become NULL in the store).
CONVERTED_COLUMNS = (
    "reg_number",
    "cui",
    "cui_issue",
    "name",
    "registered_on",
    "county",
    "postal_code",
    "line",
)
COPIED_COLUMNS = (
    ("euid", "EUID"),
    ("legal_form", "FORMA_JURIDICA"),
    ("country", "ADR_TARA"),
    ("locality", "ADR_LOCALITATE"),
    ("street", "ADR_DEN_STRADA"),
    ("number", "ADR_NR_STRADA|ADR_DEN_NR_STRADA"),
    ("block", "ADR_BLOC"),
    ("staircase", "ADR_SCARA"),
    ("floor", "ADR_ETAJ"),
    ("apartment", "ADR_APARTAMENT"),
    ("sector", "ADR_SECTOR"),
    ("details", "ADR_COMPLETARE"),
    ("web", "WEB"),
    ("parent_country", "TARA_FIRMA_MAMA"),
)
REGISTRATION_COLUMNS = (*CONVERTED_COLUMNS, *(name for name, _ in COPIED_COLUMNS))


def registration_columns(source: DelimitedFile) -> tuple[str, ...]:
    """The columns :func:`parse_registrations` fills for this file's layout.

    The old layout carries status codes inline (``STARE_FIRMA``); the current one does not.
    """
    if source.column("STARE_FIRMA") is not None:
        return (*REGISTRATION_COLUMNS, "old_status_codes")
    return REGISTRATION_COLUMNS


_DATE = re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")
PERSONAL_ISSUES = frozenset({"personal_code", "invalid_length"})


class MissingColumns(ValueError):
    """The header lacks columns a file of this kind must have."""


def require(source: DelimitedFile, *names: str) -> None:
    """Stop with :class:`MissingColumns` unless the header has every one of ``names``."""
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


def registration_date(raw: str) -> str | None:
    """The ISO date of a ``DATA_INMATRICULARE`` value; ``None`` if it is not a valid one.

    >>> registration_date('06/05/2012 13:27'), registration_date('06/05/2012 xx')
    ('2012-05-06', None)
    """
    if len(raw) > 10 and iso_date(raw) is None:
        return None
    return iso_date(raw[:10])


def parse_registrations(
    source: DelimitedFile, span: Span | None = None
) -> Iterator[tuple[object, ...]]:
    """Records of ``OD_FIRME`` (current layout) or the old ``*firme_*_sediu*`` files, as
    tuples of :func:`registration_columns`, converted row by row.

    :mod:`firmsync.registry.columnar` gives the same rows faster for the current layout.
    """
    records = source.records(span, transform=text.to_comma_below)
    return _registration_rows(source, records)


def parse_registration_lines(
    source: DelimitedFile, lines: list[str], first_line: int
) -> Iterator[tuple[object, ...]]:
    """The rows of some lines of ``source`` (decoded, diacritics already fixed)."""
    return _registration_rows(source, source.records_of([lines], first_line))


def parse_registration_records(
    source: DelimitedFile, records: Iterable[tuple[int, list[str]]]
) -> Iterator[tuple[object, ...]]:
    """The rows of some records of ``source`` (diacritics already fixed)."""
    return _registration_rows(source, records)


def _registration_rows(
    source: DelimitedFile, records: Iterable[tuple[int, list[str]]]
) -> Iterator[tuple[object, ...]]:
    """The hot loop of an import (4.2 million rows): values that repeat (dates, counties,
    postal codes) are converted once each, and the values copied as published are taken in
    one ``itemgetter`` call."""
    require(source, "DENUMIRE", "CUI", "COD_INMATRICULARE")
    report = source.report
    width = len(source.header)

    def at(names: str) -> int:
        """A column's position; a missing column reads the empty value kept at the end."""
        for name in names.split("|"):
            position = source.column(name)
            if position is not None:
                return position
        return width

    name_i, cui_i, reg_i = at("DENUMIRE"), at("CUI"), at("COD_INMATRICULARE")
    date_i, postal_i, county_i = at("DATA_INMATRICULARE"), at("ADR_COD_POSTAL"), at("ADR_JUDET")
    status_i = source.column("STARE_FIRMA")
    copied = operator.itemgetter(*(at(header) for _, header in COPIED_COLUMNS))
    classify, check_digit = cui.classify, cui.check_digit
    dates: dict[str, str | None] = {"": None}
    county_names: dict[str, str | None] = {"": None}
    postal_codes: dict[str, str | None] = {"": None}

    for line, f in records:
        reg, name, code = f[reg_i], f[name_i], f[cui_i]
        if not reg or not name:
            report.reject(line, *rejection(f, reg_i, cui_i))
            continue
        f.append("")
        # The common case inline: digits, no leading zero, the length of a CUI.
        if code.isdigit() and code[0] != "0" and 1 < len(code) < 11 and code.isascii():
            canonical = code
            issue = None if check_digit(code[:-1]) == code[-1] else "wrong_check_digit"
        else:
            canonical, issue = classify(code)
        raw = f[date_i]
        registered = dates.get(raw, "?")
        if registered == "?":
            registered = dates[raw] = registration_date(raw)
        if registered is None and raw:
            report.warn(line, "invalid registration date", raw)
        raw = f[postal_i]
        postal = postal_codes.get(raw, "?")
        if postal == "?":
            postal = postal_codes[raw] = postal_code(raw)
        if postal is None and raw:
            report.warn(line, "invalid postal code", raw)
        county = f[county_i]
        if county not in county_names:
            county_names[county] = counties.canonical_or_given(county)
        row = (
            reg,
            canonical,
            issue,
            name,
            registered,
            county_names[county],
            postal,
            line,
            *[v or None for v in copied(f)],
        )
        if status_i is not None:
            codes = sorted(c.strip() for c in f[status_i].split(",") if c.strip())
            row = (*row, ",".join(codes) or None)
        yield row


def rejection(values: list[str], reg_i: int, cui_i: int) -> tuple[str, str]:
    """Why a row without a register number or name is rejected, and the excerpt to show.

    A personal code (CNP) in the CUI column is masked as every message masks one
    (:func:`firmsync.identity.cui.shown`, which also knows it spelled with spaces); one of 11
    or 12 digits is a truncated CNP that no mask recognises, so it is removed.
    """
    issue = cui.classify(values[cui_i])[1]
    if issue in PERSONAL_ISSUES:
        shown = cui.shown(values[cui_i]) if issue == "personal_code" else "<personal code removed>"
        values = [*values[:cui_i], shown, *values[cui_i + 1 :]]
    return ("no register number" if not values[reg_i] else "no name"), "^".join(values)


def parse_status_codes(
    source: DelimitedFile, span: Span | None = None
) -> Iterator[tuple[str, str]]:
    """``OD_STARE_FIRMA``: (register number, status code), several per registration."""
    return parse_status_records(source, source.records(span))


def parse_status_records(
    source: DelimitedFile, records: Iterable[tuple[int, list[str]]]
) -> Iterator[tuple[str, str]]:
    """The (register number, status code) pairs of some records of ``OD_STARE_FIRMA``."""
    require(source, "COD_INMATRICULARE", "COD")
    reg_i, code_i = source.column("COD_INMATRICULARE"), source.column("COD")
    for line, f in records:
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

    require(source, "COD_INMATRICULARE", "COD_CAEN_AUTORIZAT")
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
    require(source, "COD_INMATRICULARE")
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
    require(source, "CLASA", "DENUMIRE")
    class_i, title_i = source.column("CLASA"), source.column("DENUMIRE")
    version_i = source.column("VERSIUNE_CAEN")
    for _line, f in source.records():
        code = f[class_i].replace(".", "")
        if not code.isdigit():
            continue  # sections, divisions and groups have no class
        version = f[version_i] if version_i is not None else ""
        revision = int(version) if version.isdigit() else revision_of_description(version)
        yield code.zfill(4), revision, text.to_comma_below(f[title_i])
