"""``/api/v1/webhooks``: an account's subscriptions (administrators only) — create (the
secret is shown once), list, delete, the delivery log, and a test event."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from firmsync.api import pages
from firmsync.api.auth import account_of, user_of
from firmsync.api.errors import responses
from firmsync.api.types import ID, Line100, Url
from firmsync.enrichment.models import WebhookDelivery, WebhookSubscription
from firmsync.enrichment.selectors import webhook_deliveries, webhooks_of
from firmsync.enrichment.services.webhooks import (
    EVENTS,
    webhook_create,
    webhook_delete,
    webhook_test,
)

__all__ = ["router"]

router = Router(tags=["webhooks"])


class WebhookIn(Schema):
    url: Url
    events: list[str] = Field(
        ..., min_length=1, max_length=len(EVENTS) + 1, description=f"`*` or of {', '.join(EVENTS)}"
    )


class WebhookOut(Schema):
    id: int
    url: str
    events: list[str]
    active: bool
    disabled_reason: str | None
    created_at: str


class WebhookCreated(WebhookOut):
    secret: str = Field(..., description="signs every delivery (Standard Webhooks); shown once")


class Webhooks(Schema):
    items: list[WebhookOut]


class DeliveryOut(Schema):
    id: int
    event_id: str = Field(..., description="the `webhook-id` header, the same on every attempt")
    event_type: str
    payload: dict[str, Any]
    status: str = Field(..., description="`pending`, `delivered` or `failed` (given up)")
    attempts: int
    response_status: int | None
    last_error: str | None
    created_at: str
    next_attempt_at: str | None


class DeliveryPage(Schema):
    items: list[DeliveryOut]
    next_cursor: str | None


class TestQueued(Schema):
    delivery_id: int
    event_id: str


def _webhook(found: WebhookSubscription) -> dict[str, Any]:
    return {
        "id": found.pk,
        "url": found.url,
        "events": found.events,
        "active": found.active,
        "disabled_reason": found.disabled_reason or None,
        "created_at": found.created_at.isoformat(),
    }


def _delivery(one: WebhookDelivery) -> dict[str, Any]:
    return {
        "id": one.pk,
        "event_id": one.event_id,
        "event_type": one.event_type,
        "payload": one.payload,
        "status": one.status,
        "attempts": one.attempts,
        "response_status": one.response_status,
        "last_error": one.last_error or None,
        "created_at": one.created_at.isoformat(),
        "next_attempt_at": one.next_attempt_at.isoformat() if one.next_attempt_at else None,
    }


@router.post("", response=responses({201: WebhookCreated}, 403), summary="Subscribe")
def create(request: HttpRequest, payload: WebhookIn) -> Status[dict[str, Any]]:
    made = webhook_create(
        account_of(request), user_of(request), url=payload.url, events=payload.events
    )
    return Status(201, {**_webhook(made), "secret": made.secret})


@router.get("", response=responses({200: Webhooks}, 403), summary="The account's webhooks")
def list_webhooks(request: HttpRequest) -> dict[str, Any]:
    return {"items": [_webhook(w) for w in webhooks_of(account_of(request), user_of(request))]}


@router.delete("/{webhook_id}", response=responses({204: None}, 403, 404), summary="Unsubscribe")
def delete(request: HttpRequest, webhook_id: ID) -> Status[None]:
    webhook_delete(account_of(request), user_of(request), webhook_id)
    return Status(204, None)


@router.get(
    "/{webhook_id}/deliveries",
    response=responses({200: DeliveryPage}, 403, 404),
    summary="A webhook's delivery log, newest first",
)
def deliveries(
    request: HttpRequest,
    webhook_id: ID,
    cursor: Line100 | None = None,
    limit: int = Query(50, ge=1, le=200),
) -> dict[str, Any]:
    page = webhook_deliveries(
        account_of(request), user_of(request), webhook_id, before=pages.decode(cursor), limit=limit
    )
    return {
        "items": [_delivery(d) for d in page.items],
        "next_cursor": pages.encode(page.next_after),
    }


@router.post(
    "/{webhook_id}/test",
    response=responses({202: TestQueued}, 403, 404),
    summary="Send a webhook.test event",
)
def test_send(request: HttpRequest, webhook_id: ID) -> Status[dict[str, Any]]:
    sent = webhook_test(account_of(request), user_of(request), webhook_id)
    return Status(202, {"delivery_id": sent.pk, "event_id": sent.event_id})
