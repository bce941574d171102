"""``CompanyFacts``: one normalised snapshot of a company, each value with its source.

The one schema wherever facts are printed or served (DESIGN §6): absent values are
``None``/``null`` (never ``""``), dates ISO, text NFC with comma-below ș ț, money in whole
RON as integers. ``sources`` maps each top-level key to ``{source, as_of}``.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "Address",
    "Caen",
    "CompanyFacts",
    "Financials",
    "Flag",
    "Registration",
    "Representative",
    "SourceStamp",
    "StatusCode",
    "Vat",
]


@dataclass(frozen=True)
class Address:
    country: str | None = None
    county: str | None = None
    locality: str | None = None
    sector: str | None = None
    street: str | None = None
    number: str | None = None
    block: str | None = None
    staircase: str | None = None
    floor: str | None = None
    apartment: str | None = None
    postal_code: str | None = None
    details: str | None = None


@dataclass(frozen=True)
class Caen:
    code: str
    revision: int | None = None
    title: str | None = None


@dataclass(frozen=True)
class StatusCode:
    code: str
    label: str | None = None


@dataclass(frozen=True)
class Representative:
    name: str
    role: str | None = None


@dataclass(frozen=True)
class Financials:
    year: int
    turnover: int | None = None
    net_profit: int | None = None
    net_loss: int | None = None
    employees: int | None = None
    total_revenue: int | None = None
    total_expenses: int | None = None
    equity: int | None = None
    share_capital: int | None = None
    total_debts: int | None = None
    fixed_assets: int | None = None
    current_assets: int | None = None
    cash: int | None = None


@dataclass(frozen=True)
class Registration:
    reg_number: str
    name: str
    status: str


@dataclass(frozen=True)
class VatPeriod:
    start: str | None = None
    end: str | None = None
    reason: str | None = None


@dataclass(frozen=True)
class Vat:
    payer: bool | None = None
    since: str | None = None
    periods: list[VatPeriod] = field(default_factory=list)


@dataclass(frozen=True)
class Flag:
    """A yes/no fact with its start date: VAT on cash, split VAT."""

    active: bool | None = None
    since: str | None = None


@dataclass(frozen=True)
class EFactura:
    registered: bool | None = None
    since: str | None = None


@dataclass(frozen=True)
class SourceStamp:
    source: str  # register, anaf, anaf_bilant, mf, openapi_ro
    as_of: str | None


@dataclass(frozen=True)
class CompanyFacts:
    cui: str
    name: str | None = None
    reg_number: str | None = None
    euid: str | None = None
    legal_form: str | None = None
    registered_on: str | None = None
    status: str = "unknown"
    status_codes: list[StatusCode] = field(default_factory=list)
    vat: Vat | None = None
    vat_on_cash: Flag | None = None
    split_vat: Flag | None = None
    efactura: EFactura | None = None
    phone: str | None = None
    fax: str | None = None
    address: Address | None = None
    fiscal_address: Address | None = None
    main_caen: Caen | None = None
    caen_authorised: list[Caen] = field(default_factory=list)
    representatives: list[Representative] = field(default_factory=list)
    financials: list[Financials] = field(default_factory=list)
    registrations: list[Registration] = field(default_factory=list)
    sources: dict[str, SourceStamp] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def to_json(self, **kwargs: Any) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, **kwargs)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CompanyFacts:
        def one(kind: type, value: Any) -> Any:
            return None if value is None else kind(**value)

        vat = data.get("vat")
        return cls(
            **{
                k: data.get(k)
                for k in (
                    "cui",
                    "name",
                    "reg_number",
                    "euid",
                    "legal_form",
                    "registered_on",
                    "phone",
                    "fax",
                )
            },
            status=data.get("status", "unknown"),
            status_codes=[StatusCode(**c) for c in data.get("status_codes", [])],
            vat=None
            if vat is None
            else Vat(
                vat.get("payer"), vat.get("since"), [VatPeriod(**p) for p in vat.get("periods", [])]
            ),
            vat_on_cash=one(Flag, data.get("vat_on_cash")),
            split_vat=one(Flag, data.get("split_vat")),
            efactura=one(EFactura, data.get("efactura")),
            address=one(Address, data.get("address")),
            fiscal_address=one(Address, data.get("fiscal_address")),
            main_caen=one(Caen, data.get("main_caen")),
            caen_authorised=[Caen(**c) for c in data.get("caen_authorised", [])],
            representatives=[Representative(**r) for r in data.get("representatives", [])],
            financials=[Financials(**f) for f in data.get("financials", [])],
            registrations=[Registration(**r) for r in data.get("registrations", [])],
            sources={k: SourceStamp(**v) for k, v in data.get("sources", {}).items()},
        )
