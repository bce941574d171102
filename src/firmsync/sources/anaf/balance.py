"""A ``/bilant`` balance sheet read into :class:`Financials` (anaf-api.md §3).

Indicators are read by code, never by position (their order changes) nor by label (labels
lie: I19 is labelled "Pierdere bruta" on some 2025 filings although it is the net loss). The
commercial companies' codes are applied only when the labels of I13 and I20 say turnover and
average employees; any other family (insurers, NGOs) keeps its raw indicators and no
financial figures. An empty body, ``{}``, ``i`` missing, ``null`` or ``[]``, or a blank
``deni`` mean "no filing" for that year.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from firmsync.identity.text import fold
from firmsync.sources import values
from firmsync.sources.facts import Financials

__all__ = ["COMMERCIAL", "SOURCE", "BalanceSheet", "read_balance_sheet"]

SOURCE = "anaf_bilant"

# Financials field ← indicator code, for commercial companies (same 20 codes for every size).
COMMERCIAL = {
    "fixed_assets": "I1",
    "current_assets": "I2",
    "cash": "I5",
    "total_debts": "I7",
    "equity": "I10",
    "share_capital": "I11",
    "turnover": "I13",
    "total_revenue": "I14",
    "total_expenses": "I15",
    "net_profit": "I18",
    "net_loss": "I19",
    "employees": "I20",
}


@dataclass(frozen=True)
class BalanceSheet:
    year: int
    cui: str
    name: str | None
    caen: str | None
    caen_title: str | None  # den_caen, as published
    family: str  # "commercial", or "other" when the labels are not the commercial ones
    indicators: dict[str, int] = field(default_factory=dict)

    def financials(self) -> Financials | None:
        """The year's figures, for a commercial company; ``None`` for any other family."""
        if self.family != "commercial":
            return None
        return Financials(
            year=self.year,
            **{name: self.indicators.get(code) for name, code in COMMERCIAL.items()},
        )


def _label(item: dict[str, Any]) -> str:
    return " ".join(fold(str(item.get("val_den_indicator") or "")).split())


def _amount(value: Any) -> int | None:
    if isinstance(value, bool) or value in (None, "", " ") or isinstance(value, dict):
        return None
    try:
        return round(float(value))
    except (TypeError, ValueError):
        raise ValueError(f"indicator value {value!r} is not a number") from None


def read_balance_sheet(body: Any, *, year: int, cui: str) -> BalanceSheet | None:
    """The balance sheet in a decoded ``/bilant`` body; ``None`` when it says "no filing".

    Raises ``ValueError`` naming the field when the body has data in a shape the reference
    does not document.
    """
    if not body or not isinstance(body, dict):
        if body in (None, "", {}, []):
            return None
        raise ValueError(f"balance sheet is a {type(body).__name__}, not an object")
    items = body.get("i")
    if not items or values.text(body.get("deni")) is None:
        return None
    if not isinstance(items, list):
        raise ValueError("field 'i' is not a list")
    indicators: dict[str, int] = {}
    labels: dict[str, str] = {}
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("indicator"), str):
            raise ValueError(f"field 'i' holds {item!r}, not an indicator")
        code = item["indicator"].strip().upper()
        amount = _amount(item.get("val_indicator"))
        if amount is not None:
            indicators[code] = amount
        labels[code] = _label(item)
    commercial = labels.get("I13", "").startswith("CIFRA DE AFACERI NETA") and labels.get(
        "I20", ""
    ).startswith("NUMAR MEDIU DE SALARIATI")
    published_year = body.get("an")
    return BalanceSheet(
        year=int(published_year) if isinstance(published_year, int) else year,
        cui=cui,
        name=values.text(body.get("deni")),
        caen=values.caen_code(body.get("caen")),
        caen_title=values.text(body.get("den_caen")),
        family="commercial" if commercial else "other",
        indicators=indicators,
    )
