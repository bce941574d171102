"""One company's facts from several sources: per field, the most trustworthy fresh source.

:data:`PRECEDENCE` is the table: for each top-level key, the sources in the order they are
trusted. A key takes the value of the first source that has one; its ``sources`` entry says
which. ANAF answers live, so it leads for what changes (status, VAT, e-Factura, addresses,
main CAEN, phone); the register leads for what ONRC decides (register number, legal form,
registration date, authorised CAEN, representatives). Two refinements:

- **status**: ANAF's registry does not follow proceedings; when it says ``active`` (or
  nothing) and the register records insolvency, liquidation, dissolution, bankruptcy or a
  suspension, the register's status stands.
- **financials**: year by year, newest first — the MF files, then the balance-sheet API, then
  openapi.ro, each filling the years the others lack; ``sources`` gets one entry per year
  (``financials/2024``) besides ``financials`` (the newest year's source).
"""

from __future__ import annotations

from typing import Any

from firmsync.sources.facts import CompanyFacts, Financials, SourceStamp

__all__ = ["PRECEDENCE", "merge"]

PRECEDENCE: dict[str, tuple[str, ...]] = {
    "name": ("anaf", "register", "openapi_ro"),
    "reg_number": ("register", "anaf", "openapi_ro"),
    "euid": ("register",),
    "legal_form": ("register", "anaf"),
    "registered_on": ("register", "anaf", "openapi_ro"),
    "status": ("anaf", "register", "openapi_ro"),
    "status_codes": ("register",),
    "vat": ("anaf", "openapi_ro"),
    "vat_on_cash": ("anaf", "openapi_ro"),
    "split_vat": ("anaf",),
    "efactura": ("anaf",),
    "phone": ("anaf", "openapi_ro"),
    "fax": ("anaf", "openapi_ro"),
    "address": ("anaf", "register", "openapi_ro"),
    "fiscal_address": ("anaf",),
    "main_caen": ("anaf", "mf", "anaf_bilant", "openapi_ro"),
    "caen_authorised": ("register",),
    "representatives": ("register",),
    "registrations": ("register",),
    "financials": ("mf", "anaf_bilant", "openapi_ro"),
}
_PROCEEDINGS = {"insolvency", "liquidation", "dissolution", "bankruptcy", "suspended"}


def _has(value: Any) -> bool:
    return value not in (None, [], "unknown")


def _offers(facts: list[CompanyFacts], key: str) -> list[tuple[str, Any, SourceStamp]]:
    """(source, value, stamp) of every facts object with a value for ``key``."""
    found = []
    for one in facts:
        stamp = one.sources.get(key)
        value = getattr(one, key)
        if stamp is not None and _has(value):
            found.append((stamp.source, value, stamp))
    return found


def _pick(key: str, offers: list[tuple[str, Any, SourceStamp]]) -> tuple[Any, SourceStamp] | None:
    for source in PRECEDENCE[key]:
        for offered, value, stamp in offers:
            if offered == source:
                return value, stamp
    return None


def _financials(facts: list[CompanyFacts]) -> tuple[list[Financials], dict[str, SourceStamp]]:
    by_year: dict[int, tuple[Financials, SourceStamp]] = {}
    for source in PRECEDENCE["financials"]:
        for one in facts:
            for key, stamp in one.sources.items():
                if not key.startswith("financials") or stamp.source != source:
                    continue
                years = [int(key.split("/")[1])] if "/" in key else [f.year for f in one.financials]
                for figures in one.financials:
                    if figures.year in years and figures.year not in by_year:
                        by_year[figures.year] = (figures, stamp)
    ordered = sorted(by_year.items(), reverse=True)
    stamps = {f"financials/{year}": stamp for year, (_, stamp) in ordered}
    if ordered:
        stamps["financials"] = ordered[0][1][1]
    return [figures for _, (figures, _) in ordered], stamps


def merge(cui: str, facts: list[CompanyFacts]) -> CompanyFacts:
    """The facts of ``cui`` from every source's :class:`CompanyFacts`, by :data:`PRECEDENCE`."""
    values: dict[str, Any] = {}
    sources: dict[str, SourceStamp] = {}
    for key in PRECEDENCE:
        if key == "financials":
            continue
        picked = _pick(key, _offers(facts, key))
        if picked is not None:
            values[key], sources[key] = picked
    register_status = next(
        (
            (value, stamp)
            for source, value, stamp in _offers(facts, "status")
            if source == "register"
        ),
        None,
    )
    if (
        register_status is not None
        and register_status[0] in _PROCEEDINGS
        and values.get("status", "active") in ("active", "unknown")
    ):
        values["status"], sources["status"] = register_status
    values["financials"], financial_stamps = _financials(facts)
    sources.update(financial_stamps)
    return CompanyFacts(cui=cui, **values, sources=sources)
