"""Facts from the local register mirror (ONRC snapshot and MF financial statements)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from firmsync.identity import address as address_id
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


_COLUMNS = (
    "cui",
    "reg_number",
    "name",
    "euid",
    "legal_form",
    "registered_on",
    "status",
    "status_codes",
    "last_seen",
    *_ADDRESS,
)
_FIGURES = (
    "cui",
    "year",
    "caen",
    "turnover",
    "net_profit",
    "net_loss",
    "employees",
    "total_revenue",
    "total_expenses",
    "equity",
    "share_capital",
    "total_debts",
    "fixed_assets",
    "current_assets",
    "cash",
)
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
    labels = dict(store.query("SELECT code, label FROM status_label"))
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        for cui, facts in _facts(store, chunk, labels).items():
            found[cui] = facts
    return found


def _in(column: str, values: list[str]) -> str:
    return f"{column} IN ({', '.join('?' * len(values))})"


def _facts(
    store: RegisterStore,
    cuis: list[str],
    labels: dict[str, str],
) -> dict[str, CompanyFacts]:
    registrations: dict[str, list[dict[str, Any]]] = {}
    for row in store.query(
        f"SELECT {', '.join(_COLUMNS)} FROM registration_view WHERE {_in('cui', cuis)}", cuis
    ):
        values = dict(zip(_COLUMNS, row, strict=True))
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
        for reg_number, code, revision, title in store.query(
            "SELECT a.reg_number, a.code, a.revision, t.title FROM caen_authorised AS a "
            "LEFT JOIN caen_title AS t ON t.code = a.code AND t.revision = a.revision "
            f"WHERE {_in('a.reg_number', mains)} ORDER BY a.code",
            mains,
        ):
            caen.setdefault(reg_number, []).append(Caen(code, revision, title))
        for reg_number, name, role in store.query(
            "SELECT reg_number, name, role FROM representative "
            f"WHERE {_in('reg_number', mains)} ORDER BY name",
            mains,
        ):
            people.setdefault(reg_number, []).append(Representative(name, role))
    figures: dict[str, list[dict[str, Any]]] = {}
    for row in store.query(
        f"SELECT {', '.join(_FIGURES)} FROM financial WHERE {_in('cui', cuis)} "
        "ORDER BY cui, year DESC, family",
        cuis,
    ):
        values = dict(zip(_FIGURES, row, strict=True))
        figures.setdefault(values["cui"], []).append(values)
    # The title of each company's main activity: the newest year's CAEN (MF files: rev. 2).
    codes = list({rows[0]["caen"] for rows in figures.values() if rows[0]["caen"]})
    titles = (
        dict(
            store.query(
                f"SELECT code, title FROM caen_title WHERE revision = 2 AND {_in('code', codes)}",
                codes,
            )
        )
        if codes
        else {}
    )
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
