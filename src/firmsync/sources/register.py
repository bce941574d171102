"""Facts from the local register mirror (ONRC snapshot and MF financial statements)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from firmsync.identity import address as address_id
from firmsync.registry import read
from firmsync.registry.store import RegisterStore
from firmsync.sources.facts import (
    Address,
    Caen,
    CompanyFacts,
    Financials,
    Registration,
    Representative,
    SourceStamp,
    StatusCode,
)

__all__ = ["facts_from_register", "facts_from_register_many"]

_ADDRESS = address_id.PARTS
_STATUS_ORDER = {
    "active": 0,
    "suspended": 1,
    "insolvency": 2,
    "dissolution": 3,
    "liquidation": 4,
    "bankruptcy": 5,
    "unknown": 6,
    "struck_off": 7,
}


_FROM_REGISTER = (
    "name",
    "reg_number",
    "euid",
    "legal_form",
    "registered_on",
    "status",
    "status_codes",
    "address",
    "caen_authorised",
    "representatives",
    "registrations",
)
# CUIs asked in one statement: well under SQLite's 32,766 parameters (and PostgreSQL's).
_CHUNK = 500


def facts_from_register(store: RegisterStore, cui: str) -> CompanyFacts | None:
    """The register's facts for a canonical CUI, or ``None`` when it does not know it.

    A CUI can have several registrations: the operating one is preferred (then the newest),
    and all of them are listed in ``registrations``.
    """
    return facts_from_register_many(store, [cui])[cui]


def facts_from_register_many(
    store: RegisterStore, cuis: Iterable[str]
) -> dict[str, CompanyFacts | None]:
    """:func:`facts_from_register` for many CUIs, in a few statements for all of them (a
    batch of a sync: 100 CUIs in 6 statements rather than 600)."""
    wanted = list(dict.fromkeys(cuis))
    found: dict[str, CompanyFacts | None] = dict.fromkeys(wanted)
    labels = read.status_labels(store)
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        for cui, facts in _facts(store, chunk, labels).items():
            found[cui] = facts
    return found


def _facts(
    store: RegisterStore,
    cuis: list[str],
    labels: dict[str, str],
) -> dict[str, CompanyFacts]:
    registrations: dict[str, list[dict[str, Any]]] = {}
    for values in read.facts_rows(store, cuis):
        registrations.setdefault(values["cui"], []).append(values)
    for rows in registrations.values():
        rows.sort(
            key=lambda r: (
                _STATUS_ORDER.get(r["status"], 6),
                -(int((r["registered_on"] or "0")[:4])),
            )
        )
    mains = [rows[0]["reg_number"] for rows in registrations.values()]
    caen: dict[str, list[Caen]] = {}
    people: dict[str, list[Representative]] = {}
    if mains:
        for reg_number, code, revision, title in read.authorised_caen(store, mains):
            caen.setdefault(reg_number, []).append(Caen(code, revision, title))
        for reg_number, name, role in read.representatives(store, mains):
            people.setdefault(reg_number, []).append(Representative(name, role))
    figures: dict[str, list[dict[str, Any]]] = {}
    for values in read.financial_rows(store, cuis):
        figures.setdefault(values["cui"], []).append(values)
    # The title of each company's main activity: the newest year's CAEN (MF files: rev. 2).
    codes = list({rows[0]["caen"] for rows in figures.values() if rows[0]["caen"]})
    titles = read.caen_titles(store, codes)
    return {
        cui: _company(
            cui,
            rows,
            labels,
            caen.get(rows[0]["reg_number"], []),
            people.get(rows[0]["reg_number"], []),
            figures.get(cui, []),
            titles,
        )
        for cui, rows in registrations.items()
    }


def _company(
    cui: str,
    rows: list[dict[str, Any]],
    labels: dict[str, str],
    caen: list[Caen],
    people: list[Representative],
    figures: list[dict[str, Any]],
    titles: dict[str, str],
) -> CompanyFacts:
    main = rows[0]
    stamp = SourceStamp("register", main["last_seen"])
    codes = (main["status_codes"] or "").split(",") if main["status_codes"] else []
    financials, main_caen, mf_as_of = _financials(figures, titles)
    sources = dict.fromkeys(_FROM_REGISTER, stamp)
    if financials:
        sources["financials"] = SourceStamp("mf", mf_as_of)
    if main_caen:
        sources["main_caen"] = SourceStamp("mf", mf_as_of)
    address = Address(**{k: main[k] for k in _ADDRESS})
    return CompanyFacts(
        cui=cui,
        name=main["name"],
        reg_number=main["reg_number"],
        euid=main["euid"],
        legal_form=main["legal_form"],
        registered_on=main["registered_on"],
        status=main["status"],
        status_codes=[StatusCode(code, labels.get(code)) for code in codes],
        address=address if any(v for v in vars(address).values()) else None,
        main_caen=main_caen,
        caen_authorised=caen,
        representatives=people,
        financials=financials,
        registrations=[Registration(r["reg_number"], r["name"], r["status"]) for r in rows],
        sources=sources,
    )


def _financials(
    rows: list[dict[str, Any]], titles: dict[str, str]
) -> tuple[list[Financials], Caen | None, str | None]:
    """A company's MF figures, newest year first (of a year's families, the first kept)."""
    by_year: dict[int, dict[str, Any]] = {}
    for row in rows:
        by_year.setdefault(row["year"], row)
    financials = [
        Financials(**{k: v for k, v in row.items() if k not in ("cui", "caen")})
        for row in by_year.values()
    ]
    newest = next(iter(by_year.values()), None)
    main_caen = None
    if newest and newest["caen"]:
        title = titles.get(newest["caen"])
        main_caen = Caen(newest["caen"], 2 if title else None, title)
    as_of = f"{newest['year']}-12-31" if newest else None
    return financials, main_caen, as_of
