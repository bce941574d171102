"""The Ministry of Finance yearly financial statements (``web_uu_an*``, ``web_bl_bs_sl_an*``).

Columns ``I1..I20`` mean different things in different years and families, so they are
mapped through each year's column-description file (``label;I#`` per line, UTF-8 or cp1250)
by **label**, never by position (mf-financial-statements.md §4). A year whose key labels do
not match the table below fails loudly instead of loading shifted figures.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from firmsync.identity import cui, text
from firmsync.registry.reader import DelimitedFile, Span, decode_line

__all__ = ["FIELDS", "LabelMismatch", "parse_financials", "read_description"]

# firmsync field ← folded label prefix (the wording, case and diacritics vary by year).
FIELDS: tuple[tuple[str, str], ...] = (
    ("fixed_assets", "ACTIVE IMOBILIZATE"),
    ("current_assets", "ACTIVE CIRCULANTE"),
    ("inventories", "STOCURI"),
    ("receivables", "CREANTE"),
    ("cash", "CASA SI CONTURI"),
    ("prepaid_expenses", "CHELTUIELI IN AVANS"),
    ("total_debts", "DATORII"),
    ("deferred_income", "VENITURI IN AVANS"),
    ("provisions", "PROVIZIOANE"),
    ("equity", "CAPITALURI"),
    ("share_capital", "CAPITAL SUBSCRIS VARSAT"),
    ("state_patrimony", "PATRIMONIUL REGIEI"),
    ("turnover", "CIFRA DE AFACERI NETA"),
    ("total_revenue", "VENITURI TOTALE"),
    ("total_expenses", "CHELTUIELI TOTALE"),
    ("gross_profit", "PROFIT BRUT"),
    ("gross_loss", "PIERDERE BRUTA"),
    ("net_profit", "PROFIT NET"),
    ("net_loss", "PIERDERE NETA"),
    ("employees", "NUMAR MEDIU DE SALARIATI"),
)
FIELD_NAMES = tuple(name for name, _ in FIELDS)
KEY_FIELDS = (
    "receivables",
    "turnover",
    "total_expenses",
    "gross_profit",
    "gross_loss",
    "net_profit",
    "net_loss",
    "employees",
)
# Employee counts above this cannot be right (one file has 5,009,387,154).
MAX_EMPLOYEES = 1_000_000
MISSING = frozenset({"", "-", '""', '"-"'})


class LabelMismatch(ValueError):
    """A year's description file does not give the indicators firmsync relies on."""


def _field_of(label: str) -> str | None:
    folded = re.sub(r"\s+", " ", text.fold(label).replace("-", " ")).strip(" .:")
    folded = re.sub(r"^[A-Z]\. ", "", folded)
    for name, prefix in FIELDS:
        if folded.startswith(prefix):
            return name
    return None


def read_description(path: Path) -> dict[str, str]:
    """``{"I13": "turnover", ...}`` from a column-description file."""
    mapping: dict[str, str] = {}
    with path.open("rb") as handle:
        for raw in handle:
            line = decode_line(raw).lstrip("\ufeff").strip()
            label, _, code = line.rpartition(";")
            code = code.strip().upper()
            if not re.fullmatch(r"I\d+", code):
                continue
            name = _field_of(label)
            if name:
                mapping[code] = name
    found = set(mapping.values())
    missing = [f for f in KEY_FIELDS if f not in found]
    if missing:
        raise LabelMismatch(f"{path.name}: no column labelled for {', '.join(missing)}")
    return mapping


def description_for(data_file: Path) -> Path | None:
    """The description file next to a data file: same stem, ``.csv``, any case."""
    stem = data_file.stem.lower()
    for candidate in data_file.parent.iterdir():
        name = candidate.name.lower()
        if candidate.suffix.lower() == ".csv" and name.startswith(stem):
            return candidate
    return None


def _amount(value: str) -> int | None:
    value = value.strip()
    if value in MISSING:
        return None
    if "." in value or "," in value:
        return round(float(value.replace(",", ".")))
    return int(value)


def parse_financials(
    source: DelimitedFile,
    span: Span | None = None,
    *,
    year: int,
    family: str,
    mapping: dict[str, str],
) -> Iterator[tuple[object, ...]]:
    """(cui, year, family, caen, *FIELD_NAMES values) per row; amounts in whole RON."""
    cui_i, caen_i = source.column("CUI"), source.column("CAEN")
    if cui_i is None:
        raise LabelMismatch(f"{source.path.name}: no CUI column")
    positions = [
        (FIELD_NAMES.index(mapping[col]), i)
        for i, col in enumerate(source.header)
        if col in mapping
    ]
    employees_at = FIELD_NAMES.index("employees")
    report = source.report
    for line, f in source.records(span):
        canonical, issue = cui.classify(f[cui_i])
        if canonical is None:
            report.reject(line, f"CUI: {issue}", f[cui_i] if issue == "empty" else "")
            continue
        values: list[int | None] = [None] * len(FIELD_NAMES)
        try:
            for field_at, column_at in positions:
                values[field_at] = _amount(f[column_at])
        except ValueError:
            report.reject(line, "an amount is not a number", ",".join(f))
            continue
        staff = values[employees_at]
        if staff is not None and (staff < 0 or staff > MAX_EMPLOYEES):
            report.warn(line, "implausible employee count dropped", str(staff))
            values[employees_at] = None
        caen = f[caen_i].strip() if caen_i is not None else ""
        caen = caen.zfill(4) if caen.isdigit() and len(caen) <= 4 and caen != "0" else None
        yield (canonical, year, family, caen, *values)
