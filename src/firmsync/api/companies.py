"""``/api/v1/companies``: the account's cards — list, create (one or up to 1,000), read,
edit, delete, sync now, candidates, link, history. Each endpoint parses, calls one service
of ``crm``/``enrichment`` scoped by the token's account, and formats."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from firmsync.api import pages
from firmsync.api.auth import account_of
from firmsync.api.errors import error_body, responses
from firmsync.api.types import (
    ID,
    Country,
    Line4,
    Line20,
    Line40,
    Line60,
    Line100,
    Line120,
    Line200,
    Line300,
    Name,
    Text,
)
from firmsync.crm.selectors import card_of
from firmsync.enrichment.selectors import (
    card_candidates,
    card_history,
    card_read,
    card_summary,
    card_view,
    cards_page,
)
from firmsync.enrichment.services.cards import (
    BULK_LIMIT,
    create_card,
    create_cards,
    delete_card,
    link_card,
    request_card_sync,
    update_card,
)

__all__ = ["router"]

router = Router(tags=["companies"])

_Money = int | None  # whole RON
_MONEY = Field(None, ge=-(10**15), le=10**15)


class CompanyIn(Schema):
    """A new card: the name, and the CUI as the user would type it (``RO``, spaces; ``x``
    stops syncing; a wrong check digit is refused)."""

    name: Name
    cui_input: Line40 = ""
    country: Country = "RO"
    county: Line60 = ""
    locality: Line120 = ""
    phone: Line60 = ""
    email: Line200 = ""
    website: Line300 = ""
    notes: Text = ""


class CompanyPatch(Schema):
    """The fields to change; a synchronised field is refused (409) while it is locked."""

    name: Name | None = None
    cui_input: Line40 | None = None
    country: Country | None = None
    county: Line60 | None = None
    locality: Line120 | None = None
    phone: Line60 | None = None
    email: Line200 | None = None
    website: Line300 | None = None
    notes: Text | None = None
    legal_name: Line300 | None = None
    reg_number: Line40 | None = None
    legal_form: Line20 | None = None
    status: Line20 | None = None
    founded_on: datetime.date | None = None
    caen_code: Line4 | None = None
    caen_title: Line300 | None = None
    employees: int | None = Field(None, ge=0, le=10**9)
    turnover: _Money = _MONEY
    net_profit: _Money = _MONEY
    share_capital: _Money = _MONEY
    financial_year: int | None = Field(None, ge=1800, le=2200)


class AddressOut(Schema):
    kind: str
    origin: str
    country: str
    county: str
    locality: str
    sector: str
    street: str
    number: str
    block: str
    staircase: str
    floor: str
    apartment: str
    postal_code: str
    details: str


class CandidateOut(Schema):
    cui: str | None
    reg_number: str
    name: str
    county: str | None
    locality: str | None
    status: str | None
    probability: float
    reasons: list[str]


class SyncOut(Schema):
    state: str
    method: str | None
    probability: float | None
    candidates: list[CandidateOut]
    owed_sources: list[str]
    last_synced_at: str | None
    next_due_at: str | None
    last_error: str | None


class StampOut(Schema):
    source: str
    as_of: str | None


class FinancialYearOut(Schema):
    year: int
    turnover: int | None
    net_profit: int | None
    net_loss: int | None
    employees: int | None
    share_capital: int | None
    source: str


class RepresentativeOut(Schema):
    """An administrator: name and role only, never birth data."""

    name: str
    role: str


class CompanyOut(Schema):
    """A card as users see it: its fields, which are locked and where each synchronised
    value came from (``provenance``: source and as-of date), its sync state, addresses,
    financial years and administrators."""

    id: int
    account: str
    cui: str | None
    name: str
    cui_input: str
    country: str
    county: str
    locality: str
    phone: str
    email: str
    website: str
    notes: str
    legal_name: str
    reg_number: str
    euid: str
    legal_form: str
    status: str
    vat_payer: bool | None
    vat_on_cash: bool | None
    split_vat: bool | None
    efactura: bool | None
    founded_on: str | None
    caen_code: str
    caen_revision: int | None
    caen_title: str
    employees: int | None
    turnover: int | None
    net_profit: int | None
    share_capital: int | None
    financial_year: int | None
    locked_fields: list[str]
    addresses: list[AddressOut]
    sync: SyncOut | None
    provenance: dict[str, StampOut]
    financial_years: list[FinancialYearOut]
    representatives: list[RepresentativeOut]


class CompanySummary(Schema):
    id: int
    name: str
    cui: str | None
    cui_input: str
    country: str
    county: str
    locality: str
    legal_name: str
    status: str
    sync_state: str | None
    updated_at: str


class CompanyPage(Schema):
    items: list[CompanySummary]
    next_cursor: str | None


class CompanyFilters(Schema):
    state: Line20 | None = Field(
        None, description="sync state: synced, review, pending, …; `none`: never synced"
    )
    status: Line20 | None = None
    county: Line60 | None = None
    q: Line200 | None = Field(None, description="free text: name, legal name, CUI, register number")
    cursor: Line100 | None = None
    limit: int = Field(50, ge=1, le=200)


class BulkIn(Schema):
    companies: list[CompanyIn] = Field(..., min_length=1, max_length=BULK_LIMIT)


class RowError(Schema):
    code: str
    message: str
    field: str | None


class RowOut(Schema):
    index: int
    outcome: str = Field(..., description="`created`, or `invalid` with the error")
    id: int | None
    error: RowError | None


class BulkOut(Schema):
    created: int
    invalid: int
    results: list[RowOut]


class SyncQueued(Schema):
    queued: bool = Field(..., description="false: a sync of the card was waiting already")


class Candidates(Schema):
    items: list[CandidateOut]


class LinkIn(Schema):
    cui: Line20


class HistoryEntry(Schema):
    id: int
    actor: str = Field(..., description="`addon`, `user` or `restore`")
    at: str
    changes: dict[str, Any] = Field(..., description="field → [old value, new value]")


class HistoryPage(Schema):
    items: list[HistoryEntry]
    next_cursor: str | None


@router.get("", response=responses({200: CompanyPage}), summary="List the account's cards")
def list_companies(request: HttpRequest, filters: Query[CompanyFilters]) -> dict[str, Any]:
    page = cards_page(
        account_of(request),
        state=filters.state,
        status=filters.status,
        county=filters.county,
        text=filters.q,
        after=pages.decode(filters.cursor),
        limit=filters.limit,
    )
    return {
        "items": [card_summary(card) for card in page.items],
        "next_cursor": pages.encode(page.next_after),
    }


@router.post("", response=responses({201: CompanyOut}), summary="Create a card")
def create_company(request: HttpRequest, payload: CompanyIn) -> Status[dict[str, Any]]:
    card = create_card(account_of(request), **payload.dict())
    return Status(201, card_view(card))


@router.post(
    "/bulk", response=responses({200: BulkOut}), summary="Create up to 1,000 cards at once"
)
def create_companies(request: HttpRequest, payload: BulkIn) -> dict[str, Any]:
    rows = create_cards(account_of(request), [row.dict() for row in payload.companies])
    results = [
        {
            "index": row.index,
            "outcome": "created" if row.card is not None else "invalid",
            "id": row.card.pk if row.card is not None else None,
            "error": None
            if row.error is None
            else error_body("invalid", row.error.message, row.error.field),
        }
        for row in rows
    ]
    created = sum(1 for row in rows if row.card is not None)
    return {"created": created, "invalid": len(rows) - created, "results": results}


@router.get("/{company_id}", response=responses({200: CompanyOut}, 404), summary="A card")
def get_company(request: HttpRequest, company_id: ID) -> dict[str, Any]:
    return card_read(company_id, account=account_of(request))


@router.patch(
    "/{company_id}", response=responses({200: CompanyOut}, 404, 409), summary="Edit a card"
)
def patch_company(request: HttpRequest, company_id: ID, payload: CompanyPatch) -> dict[str, Any]:
    card = card_of(company_id, account=account_of(request))
    update_card(card, payload.dict(exclude_unset=True))
    return card_view(card)


@router.delete("/{company_id}", response=responses({204: None}, 404), summary="Delete a card")
def delete_company(request: HttpRequest, company_id: ID) -> Status[None]:
    delete_card(card_of(company_id, account=account_of(request)))
    return Status(204, None)


@router.post(
    "/{company_id}/sync",
    response=responses({202: SyncQueued}, 404, 409),
    summary="Sync a card now (queued)",
)
def sync_company(request: HttpRequest, company_id: ID) -> Status[dict[str, bool]]:
    queued = request_card_sync(card_of(company_id, account=account_of(request)))
    return Status(202, {"queued": queued})


@router.get(
    "/{company_id}/candidates",
    response=responses({200: Candidates}, 404),
    summary="The companies a card's name may stand for",
)
def company_candidates(request: HttpRequest, company_id: ID) -> dict[str, Any]:
    return {"items": card_candidates(card_of(company_id, account=account_of(request)))}


@router.post(
    "/{company_id}/link",
    response=responses({200: CompanyOut}, 404, 409),
    summary="Link a card in review to one of its candidates",
)
def link_company(request: HttpRequest, company_id: ID, payload: LinkIn) -> dict[str, Any]:
    card = card_of(company_id, account=account_of(request))
    link_card(card, payload.cui)
    return card_view(card)


@router.get(
    "/{company_id}/history",
    response=responses({200: HistoryPage}, 404),
    summary="A card's changes, newest first",
)
def company_history(
    request: HttpRequest,
    company_id: ID,
    cursor: Line100 | None = None,
    limit: int = Query(50, ge=1, le=200),
) -> dict[str, Any]:
    card = card_of(company_id, account=account_of(request))
    page = card_history(card, before=pages.decode(cursor), limit=limit)
    return {
        "items": [
            {"id": e.pk, "actor": e.actor, "at": e.at.isoformat(), "changes": e.changes}
            for e in page.items
        ],
        "next_cursor": pages.encode(page.next_after),
    }
