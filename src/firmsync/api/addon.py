"""``/api/v1/addon``: the add-on's settings and state; activation and deactivation
(administrators on the Professional plan; deactivation only with ``"confirm": true``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from firmsync.api.auth import account_of, user_of
from firmsync.api.errors import Error, responses
from firmsync.enrichment.selectors import addon_view
from firmsync.enrichment.services.addon import MAX_CAP, UNSET, addon_change

__all__ = ["router"]

router = Router(tags=["addon"])


class AddonOut(Schema):
    plan: str
    active: bool
    refresh_days: int
    monthly_cap: int | None = Field(..., description="companies a month; null: no cap")
    overage: bool
    activated_at: str | None
    backfill_total: int
    backfill_done: int


class AddonIn(Schema):
    """What to change; what is left out stays as it is."""

    active: bool | None = None
    confirm: bool = Field(False, description="needed to deactivate: it removes provider data")
    refresh_days: int | None = Field(None, ge=1, le=30)
    monthly_cap: int | None = Field(None, ge=0, le=MAX_CAP, description="null: no cap")
    overage: bool | None = None


class Preview(Schema):
    """What deactivation would remove."""

    cards: int
    fields: int
    addresses: int
    financial_years: int
    representatives: int
    lines: list[str]


class ConfirmRequired(Error):
    preview: Preview


@router.get("", response=responses({200: AddonOut}), summary="The add-on's settings")
def get_addon(request: HttpRequest) -> dict[str, Any]:
    return addon_view(account_of(request))


@router.put(
    "",
    response={**responses({200: AddonOut}, 403), 409: ConfirmRequired},
    summary="Change settings; activate; deactivate (with confirm)",
)
def put_addon(request: HttpRequest, payload: AddonIn) -> dict[str, Any]:
    account = account_of(request)
    given = payload.dict(exclude_unset=True)
    addon_change(
        account,
        user_of(request),
        active=payload.active,
        confirm=payload.confirm,
        refresh_days=payload.refresh_days,
        monthly_cap=given.get("monthly_cap", UNSET),
        overage=payload.overage,
    )
    return addon_view(account)
