"""Which card field comes from which fact, and how it may be written (DESIGN §5, Apply).

- *Locked* fields are overwritten and become read-only while the add-on is active.
- *Tracked* fields are written only when empty or still equal to what the add-on wrote
  last: a user's own value is never overwritten.
- No field is ever blanked by an empty provider value.
"""

from __future__ import annotations

import datetime
from typing import Any

from firmsync.sources.facts import CompanyFacts, Financials

__all__ = ["LOCKED", "TRACKED", "card_values", "newest_financials"]

LOCKED = (
    "legal_name",
    "reg_number",
    "euid",
    "legal_form",
    "status",
    "vat_payer",
    "vat_on_cash",
    "split_vat",
    "efactura",
    "founded_on",
    "caen_code",
    "caen_revision",
    "caen_title",
    "employees",
    "turnover",
    "net_profit",
    "share_capital",
    "financial_year",
)
TRACKED = ("phone",)
# The facts key each card field comes from (its provenance).
FACT_OF = {
    "legal_name": "name",
    "reg_number": "reg_number",
    "euid": "euid",
    "legal_form": "legal_form",
    "status": "status",
    "vat_payer": "vat",
    "vat_on_cash": "vat_on_cash",
    "split_vat": "split_vat",
    "efactura": "efactura",
    "founded_on": "registered_on",
    "caen_code": "main_caen",
    "caen_revision": "main_caen",
    "caen_title": "main_caen",
    "employees": "financials",
    "turnover": "financials",
    "net_profit": "financials",
    "share_capital": "financials",
    "financial_year": "financials",
    "phone": "phone",
}


def newest_financials(facts: CompanyFacts) -> Financials | None:
    return max(facts.financials, key=lambda f: f.year, default=None)


def _profit(figures: Financials) -> int | None:
    """Profit after tax: the net profit, or minus the net loss."""
    if figures.net_loss:
        return -figures.net_loss
    return figures.net_profit


def card_values(facts: CompanyFacts) -> dict[str, Any]:
    """The card fields ``facts`` has a value for (``None`` values left out: never blank)."""
    figures = newest_financials(facts)
    caen = facts.main_caen
    values: dict[str, Any] = {
        "legal_name": facts.name,
        "reg_number": facts.reg_number,
        "euid": facts.euid,
        "legal_form": facts.legal_form,
        "status": facts.status if facts.status != "unknown" else None,
        "vat_payer": facts.vat.payer if facts.vat else None,
        "vat_on_cash": facts.vat_on_cash.active if facts.vat_on_cash else None,
        "split_vat": facts.split_vat.active if facts.split_vat else None,
        "efactura": facts.efactura.registered if facts.efactura else None,
        "founded_on": datetime.date.fromisoformat(facts.registered_on)
        if facts.registered_on
        else None,
        "caen_code": caen.code if caen else None,
        "caen_revision": caen.revision if caen else None,
        "caen_title": caen.title if caen else None,
        "employees": figures.employees if figures else None,
        "turnover": figures.turnover if figures else None,
        "net_profit": _profit(figures) if figures else None,
        "share_capital": figures.share_capital if figures else None,
        "financial_year": figures.year if figures else None,
        "phone": facts.phone,
    }
    return {field: value for field, value in values.items() if value not in (None, "")}
