"""Facts from the local register mirror (ONRC snapshot and MF financial statements)."""

from __future__ import annotations

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

__all__ = ["facts_from_register"]

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


def facts_from_register(store: RegisterStore, cui: str) -> CompanyFacts | None:
    """The register's facts for a canonical CUI, or ``None`` when it does not know it.

    A CUI can have several registrations: the operating one is preferred (then the newest),
    and all of them are listed in ``registrations``.
    """
    columns = (
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
    rows = [
        dict(zip(columns, row, strict=True))
        for row in store.query(
            f"SELECT {', '.join(columns)} FROM registration_view WHERE cui = ?", (cui,)
        )
    ]
    if not rows:
        return None
    rows.sort(
        key=lambda r: (_STATUS_ORDER.get(r["status"], 6), -(int((r["registered_on"] or "0")[:4])))
    )
    main = rows[0]
    as_of = main["last_seen"]
    stamp = SourceStamp("register", as_of)
    labels = dict(store.query("SELECT code, label FROM status_label"))
    codes = (main["status_codes"] or "").split(",") if main["status_codes"] else []
    caen = [
        Caen(code, revision, title)
        for code, revision, title in store.query(
            "SELECT a.code, a.revision, t.title FROM caen_authorised AS a "
            "LEFT JOIN caen_title AS t ON t.code = a.code AND t.revision = a.revision "
            "WHERE a.reg_number = ? ORDER BY a.code",
            (main["reg_number"],),
        )
    ]
    people = [
        Representative(name, role)
        for name, role in store.query(
            "SELECT name, role FROM representative WHERE reg_number = ? ORDER BY name",
            (main["reg_number"],),
        )
    ]
    financials, main_caen, mf_as_of = _financials(store, cui)
    sources = {
        key: stamp
        for key in (
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
    }
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


def _financials(store: RegisterStore, cui: str) -> tuple[list[Financials], Caen | None, str | None]:
    fields = (
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
    rows: list[dict[str, Any]] = [
        dict(zip(fields, row, strict=True))
        for row in store.query(
            f"SELECT {', '.join(fields)} FROM financial WHERE cui = ? ORDER BY year DESC, family",
            (cui,),
        )
    ]
    by_year: dict[int, dict[str, Any]] = {}
    for row in rows:
        by_year.setdefault(row["year"], row)
    financials = [
        Financials(**{k: v for k, v in row.items() if k != "caen"}) for row in by_year.values()
    ]
    newest = next(iter(by_year.values()), None)
    main_caen = None
    if newest and newest["caen"]:
        title = store.scalar(
            "SELECT title FROM caen_title WHERE code = ? AND revision = 2", (newest["caen"],)
        )
        main_caen = Caen(newest["caen"], 2 if title else None, title)
    as_of = f"{newest['year']}-12-31" if newest else None
    return financials, main_caen, as_of
