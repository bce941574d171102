"""``/api/v1/alerts``: the account's alert feed (status, VAT, e-Factura, name, address,
usage, webhooks), and marking alerts read."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from firmsync.api import pages
from firmsync.api.auth import account_of
from firmsync.api.errors import responses
from firmsync.api.types import ID, Line100
from firmsync.enrichment.models import Alert
from firmsync.enrichment.selectors import alerts_page
from firmsync.enrichment.services.alerts import alert_mark_read, alerts_mark_read

__all__ = ["router"]

router = Router(tags=["alerts"])


class AlertOut(Schema):
    id: int
    kind: str
    message: str
    company_id: int | None
    at: str
    read: bool


class AlertPage(Schema):
    items: list[AlertOut]
    next_cursor: str | None


class Marked(Schema):
    marked: int


def _alert(alert: Alert) -> dict[str, Any]:
    return {
        "id": alert.pk,
        "kind": alert.kind,
        "message": alert.message,
        "company_id": alert.company_id,
        "at": alert.at.isoformat(),
        "read": alert.read,
    }


@router.get("", response=responses({200: AlertPage}), summary="Alerts, newest first")
def list_alerts(
    request: HttpRequest,
    unread: bool | None = None,
    cursor: Line100 | None = None,
    limit: int = Query(50, ge=1, le=200),
) -> dict[str, Any]:
    page = alerts_page(account_of(request), unread=unread, before=pages.decode(cursor), limit=limit)
    return {"items": [_alert(a) for a in page.items], "next_cursor": pages.encode(page.next_after)}


@router.post("/read", response=responses({200: Marked}), summary="Mark every alert read")
def read_all(request: HttpRequest) -> dict[str, int]:
    return {"marked": alerts_mark_read(account_of(request))}


@router.post("/{alert_id}/read", response=responses({200: AlertOut}, 404), summary="Mark read")
def read_one(request: HttpRequest, alert_id: ID) -> dict[str, Any]:
    return _alert(alert_mark_read(account_of(request), alert_id))
