"""What the portal's datasets are, and which of their files firmsync imports.

- ONRC (organisation ``onrc``): a snapshot per dataset, ``firme-DD-MM-YYYY`` (before 2025
  a long form ending ``…-07-aprilie-2024``), and its code tables beside it,
  ``nomenclatoare-DD-MM-YYYY``. The newest is the one with the latest date in its name,
  else the latest ``metadata_modified``.
- MF (organisation ``mfp``): a year per dataset, ``situatii_financiare_YYYY``, also spelled
  ``situatii_financiare2023`` or re-published as ``…_2024_actualizat`` (the newest
  publication of a year wins). Its resources are untidy: names ending in ``;``, the same
  file listed twice (the newest ``created`` wins), test files, other years' files and other
  families (NGOs, insurers), description files named ``WEB_UU_AN2024 specificatie``. Only
  the year's UU and BL/BS/SL data files and their descriptions are taken, the descriptions
  saved as ``<data file>.csv``, where the importer looks for them.

Files are named as their URL ends (``od_firme.csv``) and recognised as the importer does
(:func:`firmsync.registry.importer.recognise`): what it would skip is not downloaded.

>>> dated("firme-02-12-2026"), dated("firme-inregistrate-pana-la-data-de-07-aprilie-2024")
(datetime.date(2026, 12, 2), datetime.date(2024, 4, 7))
>>> mf_year("situatii_financiare2023"), mf_year("situatii_financiare_2024_actualizat")
(2023, 2024)
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from firmsync.registry.importer import recognise
from firmsync.sources.portal.client import Dataset, Resource

__all__ = [
    "CODE_KINDS",
    "SNAPSHOT_KINDS",
    "PortalFile",
    "code_tables_for",
    "dated",
    "files_of",
    "mf_files",
    "mf_year",
    "mf_years",
    "newest",
]

SNAPSHOT_KINDS = frozenset({"registrations", "caen_authorised", "representatives", "status_codes"})
CODE_KINDS = frozenset({"status_labels", "caen_versions", "caen_titles"})
_MONTHS = {
    name: n
    for n, name in enumerate(
        (
            "ianuarie",
            "februarie",
            "martie",
            "aprilie",
            "mai",
            "iunie",
            "iulie",
            "august",
            "septembrie",
            "octombrie",
            "noiembrie",
            "decembrie",
        ),
        start=1,
    )
}
_DATED = re.compile(r"(\d{1,2})[-_.](\d{1,2}|[a-z]+)[-_.](\d{4})$")
_MF_DATASET = re.compile(r"situatii[_-]?financiare[_-]?(\d{4})", re.I)
_MF_FILE = re.compile(r"web_?(uu|bl_?bs_?sl)_?an_?(\d{4})", re.I)


def dated(name: str) -> date | None:
    """The date a dataset's name ends with (``DD-MM-YYYY``, or a Romanian month's name)."""
    match = _DATED.search(name.lower())
    if not match:
        return None
    day, month, year = match.groups()
    number = int(month) if month.isdigit() else _MONTHS.get(month)
    try:
        return date(int(year), number, int(day)) if number else None
    except ValueError:
        return None


def mf_year(name: str) -> int | None:
    """The year of an MF dataset's name, or None for a dataset of something else."""
    match = _MF_DATASET.search(name)
    return int(match.group(1)) if match else None


def newest(datasets: Iterable[Dataset], prefix: str) -> Dataset | None:
    """The newest dataset whose name starts with ``prefix`` (``firme-``)."""
    found = [d for d in datasets if d.name.lower().startswith(prefix)]
    return max(found, key=lambda d: (dated(d.name) or date.min, d.modified), default=None)


def code_tables_for(datasets: Iterable[Dataset], snapshot: date) -> Dataset | None:
    """The code tables published with a snapshot: those of its date, else the newest not
    after it, else the newest."""
    tables = [d for d in datasets if d.name.lower().startswith("nomenclatoare-")]
    same = [d for d in tables if dated(d.name) == snapshot]
    before = [d for d in tables if (dated(d.name) or date.min) <= snapshot]
    return newest(same or before or tables, "nomenclatoare-")


def mf_years(datasets: Iterable[Dataset]) -> dict[int, Dataset]:
    """Each year's MF dataset, the newest publication of it, by year."""
    years: dict[int, Dataset] = {}
    for dataset in datasets:
        year = mf_year(dataset.name)
        if year is not None and (year not in years or dataset.modified > years[year].modified):
            years[year] = dataset
    return dict(sorted(years.items()))


@dataclass(frozen=True)
class PortalFile:
    """A resource to download, and the name it is saved under."""

    resource: Resource
    name: str


def _newest_each(files: Iterable[PortalFile]) -> list[PortalFile]:
    """One file a name (any case): the resource created last."""
    kept: dict[str, PortalFile] = {}
    for item in files:
        key = item.name.lower()
        if key not in kept or item.resource.created > kept[key].resource.created:
            kept[key] = item
    return sorted(kept.values(), key=lambda f: f.name.lower())


def _names(resource: Resource) -> list[str]:
    """What a resource may be called: its URL's last part, then its own name (with the
    URL's extension when it has none)."""
    own = resource.name.strip().rstrip(";").strip()
    suffix = Path(resource.file_name).suffix
    if own and not Path(own).suffix and suffix:
        own += suffix
    return [n for n in (resource.file_name, own) if n]


def files_of(dataset: Dataset, kinds: Iterable[str]) -> list[PortalFile]:
    """The files of an ONRC dataset the importer reads as one of ``kinds``."""
    wanted = set(kinds)
    found = []
    for resource in dataset.resources:
        name = next((n for n in _names(resource) if recognise(Path(n)).kind in wanted), None)
        if name is not None:
            found.append(PortalFile(resource, name))
    return _newest_each(found)


def _family(text: str, year: int) -> str | None:
    match = _MF_FILE.search(text)
    if not match or int(match.group(2)) != year:
        return None
    return "uu" if match.group(1).lower() == "uu" else "bl_bs_sl"


def mf_files(dataset: Dataset, year: int) -> list[PortalFile]:
    """A year's UU and BL/BS/SL data files and their descriptions, saved as
    ``<data file stem>.csv``; other years, other families and stray files are left out."""
    data: dict[str, PortalFile] = {}
    descriptions: dict[str, list[PortalFile]] = {}
    for resource in dataset.resources:
        names = _names(resource)
        family = next((f for n in names if (f := _family(n, year))), None)
        if family is None:
            continue
        data_name = next((n for n in names if recognise(Path(n)).kind == "financials"), None)
        if data_name is not None:
            item = PortalFile(resource, data_name)
            if family not in data or resource.created > data[family].resource.created:
                data[family] = item
        elif any(n.lower().endswith(".csv") for n in names):
            descriptions.setdefault(family, []).append(PortalFile(resource, ""))
    found = []
    for family, item in data.items():
        found.append(item)
        described = max(
            descriptions.get(family, ()), key=lambda f: f.resource.created, default=None
        )
        if described is not None:
            found.append(PortalFile(described.resource, Path(item.name).stem + ".csv"))
    return sorted(found, key=lambda f: f.name.lower())
