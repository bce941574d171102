"""Webhooks as the Standard Webhooks specification describes them: an account's
subscriptions, the events the add-on emits, and their signed delivery with retries.

Events: ``company.synced``, ``company.review_needed``, one per alert (``company.status_changed``,
``company.vat_changed``, ``company.efactura_changed``, ``company.name_changed``,
``company.address_changed``), ``usage.threshold``, ``webhook.disabled``, and ``webhook.test``
(sent on request). A body is ``{"type", "timestamp", "data"}``; the ``webhook-id``,
``webhook-timestamp`` and ``webhook-signature`` headers are made by the ``standardwebhooks``
package, so a receiver verifies them with the same package.

Events are written as deliveries in the transaction that caused them and queued when it
commits; a failed attempt is tried again after 5 s, 20 s, 80 s … (×4, seven attempts, about
two hours in all); a subscription whose deliveries fail three times in a row is disabled
and the account gets an alert.
"""

from __future__ import annotations

import base64
import datetime
import json
import secrets
import uuid
from collections.abc import Callable, Iterable
from typing import Any

import httpx
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from firmsync.crm.errors import Forbidden, Invalid, NotFound
from firmsync.crm.models import Account, Membership
from firmsync.enrichment.models import Alert, WebhookDelivery, WebhookSubscription

__all__ = [
    "ALERT_EVENTS",
    "ATTEMPTS",
    "EVENTS",
    "FAILED_IN_A_ROW",
    "emit",
    "emit_alerts",
    "retry_delay",
    "webhook_admin_check",
    "webhook_create",
    "webhook_delete",
    "webhook_deliver",
    "webhook_test",
]

ALERT_EVENTS = {  # an alert's kind → its event
    "status": "company.status_changed",
    "vat": "company.vat_changed",
    "efactura": "company.efactura_changed",
    "name": "company.name_changed",
    "address": "company.address_changed",
    "usage": "usage.threshold",
    "webhook": "webhook.disabled",
}
EVENTS = ("company.synced", "company.review_needed", *ALERT_EVENTS.values(), "webhook.test")
ATTEMPTS = 7
FAILED_IN_A_ROW = 3  # deliveries given up on, in a row, that disable a subscription
TIMEOUT = 10.0  # seconds a receiver has to answer
Queue = Callable[[list[int]], None]


def _queue(ids: list[int]) -> None:
    from firmsync.enrichment.tasks import deliver_webhook

    for delivery in ids:
        deliver_webhook(delivery)


def retry_delay(attempts: int) -> int | None:
    """Seconds before the next attempt after ``attempts`` failed ones (``None``: give up).

    >>> [retry_delay(n) for n in range(1, 8)]
    [5, 20, 80, 320, 1280, 5120, None]
    """
    return 5 * 4 ** (attempts - 1) if attempts < ATTEMPTS else None


def webhook_admin_check(account: Account, user: AbstractBaseUser | None) -> None:
    """Webhooks send the account's data elsewhere: only its administrators see or set them
    (``None``: the operator)."""
    if user is None:  # the operator
        return
    if not Membership.objects.filter(account=account, user=user, role="admin").exists():
        raise Forbidden(f"only an administrator of {account.name!r} manages its webhooks")


def webhook_create(
    account: Account, user: AbstractBaseUser | None, *, url: str, events: list[str]
) -> WebhookSubscription:
    """A new subscription (administrators only); its secret is shown to the caller once."""
    webhook_admin_check(account, user)
    if not url.startswith(("http://", "https://")):
        raise Invalid("url", "must be an http:// or https:// address")
    unknown = [e for e in events if e != "*" and e not in EVENTS]
    if unknown:
        raise Invalid("events", f"unknown: {', '.join(unknown)} (known: {', '.join(EVENTS)})")
    if not events:
        raise Invalid("events", "name at least one event, or *")
    secret = "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()
    return WebhookSubscription.objects.create(
        account=account, url=url, events=sorted(set(events)), secret=secret
    )


def _subscription(account: Account, webhook_id: int) -> WebhookSubscription:
    found = WebhookSubscription.objects.filter(account=account, pk=webhook_id).first()
    if found is None:
        raise NotFound(f"no webhook {webhook_id}")
    return found


def webhook_delete(account: Account, user: AbstractBaseUser | None, webhook_id: int) -> None:
    subscription = _subscription(account, webhook_id)  # (another account's: not found)
    webhook_admin_check(account, user)
    subscription.delete()


def webhook_test(
    account: Account, user: AbstractBaseUser | None, webhook_id: int, *, queue: Queue = _queue
) -> WebhookDelivery:
    """A ``webhook.test`` event for one subscription, queued now (disabled or not: it is how
    an administrator checks a repaired endpoint)."""
    subscription = _subscription(account, webhook_id)
    webhook_admin_check(account, user)
    delivery = _delivery(subscription, "webhook.test", {"account": account.name})
    transaction.on_commit(lambda: queue([delivery.pk]))
    return delivery


def _delivery(
    subscription: WebhookSubscription, kind: str, data: dict[str, Any]
) -> WebhookDelivery:
    event_id = f"msg_{uuid.uuid4().hex}"
    payload = {"type": kind, "timestamp": timezone.now().isoformat(), "data": data}
    return WebhookDelivery.objects.create(
        subscription=subscription, event_id=event_id, event_type=kind, payload=payload
    )


def emit(events: Iterable[tuple[int, str, dict[str, Any]]], *, queue: Queue = _queue) -> int:
    """``(account id, event type, data)`` to every active subscription that wants them, as
    deliveries queued when the caller's transaction commits; how many. One query for the
    subscriptions of all the events' accounts: a sync batch emits without a cost per card."""
    wanted = list(events)
    if not wanted:
        return 0
    accounts = {account for account, _, _ in wanted}
    subscriptions: dict[int, list[WebhookSubscription]] = {}
    for found in WebhookSubscription.objects.filter(account_id__in=accounts, active=True):
        subscriptions.setdefault(found.account_id, []).append(found)
    if not subscriptions:
        return 0
    made = [
        _delivery(subscription, kind, data)
        for account, kind, data in wanted
        for subscription in subscriptions.get(account, [])
        if "*" in subscription.events or kind in subscription.events
    ]
    ids = [delivery.pk for delivery in made]
    if ids:
        transaction.on_commit(lambda: queue(ids))
    return len(ids)


def emit_alerts(alerts: Iterable[Alert], *, queue: Queue = _queue) -> int:
    """Each alert as its event (:data:`ALERT_EVENTS`)."""
    return emit(
        (
            (
                alert.account_id,
                ALERT_EVENTS.get(alert.kind, f"alert.{alert.kind}"),
                {"company_id": alert.company_id, "kind": alert.kind, "message": alert.message},
            )
            for alert in alerts
        ),
        queue=queue,
    )


def _sign(
    subscription: WebhookSubscription, delivery: WebhookDelivery, now: datetime.datetime
) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":")).encode()
    signature = Webhook(subscription.secret).sign(delivery.event_id, now, body)
    headers = {
        "content-type": "application/json",
        "user-agent": "firmsync-webhooks",
        "webhook-id": delivery.event_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": signature,
    }
    return body, headers


def webhook_deliver(
    delivery_id: int,
    *,
    client: httpx.Client | None = None,
    now: datetime.datetime | None = None,
) -> int | None:
    """One attempt at a delivery: signed afresh (a new timestamp each attempt), sent, and
    recorded; seconds until the next attempt, or ``None`` when there is none to make
    (delivered, given up, or its subscription gone or disabled)."""
    delivery = WebhookDelivery.objects.select_related("subscription").filter(pk=delivery_id).first()
    if delivery is None or delivery.status != WebhookDelivery.Status.PENDING:
        return None
    subscription = delivery.subscription
    if not subscription.active and delivery.event_type != "webhook.test":
        return None
    now = now or timezone.now()
    body, headers = _sign(subscription, delivery, now)
    error, status = "", None
    try:
        if client is None:
            with httpx.Client(timeout=TIMEOUT) as fresh:
                answer = fresh.post(subscription.url, content=body, headers=headers)
        else:
            answer = client.post(subscription.url, content=body, headers=headers)
        status = answer.status_code
        if not 200 <= status < 300:
            error = f"the receiver answered {status}"
    except httpx.HTTPError as failure:
        error = f"{type(failure).__name__}: {failure}"
    return _record(delivery, subscription, now, status, error)


def _record(
    delivery: WebhookDelivery,
    subscription: WebhookSubscription,
    now: datetime.datetime,
    status: int | None,
    error: str,
) -> int | None:
    delivery.attempts += 1
    delivery.last_attempt_at, delivery.response_status = now, status
    delivery.last_error = error[:1000]
    delay = None if not error else retry_delay(delivery.attempts)
    delivery.next_attempt_at = now + datetime.timedelta(seconds=delay) if delay else None
    if not error:
        delivery.status = WebhookDelivery.Status.DELIVERED
    elif delay is None:
        delivery.status = WebhookDelivery.Status.FAILED
    with transaction.atomic():
        delivery.save()
        if delivery.event_type != "webhook.test":  # (a test says nothing of the events)
            if delivery.status == WebhookDelivery.Status.DELIVERED:
                WebhookSubscription.objects.filter(pk=subscription.pk).update(failed_in_a_row=0)
            elif delivery.status == WebhookDelivery.Status.FAILED:
                _gave_up(subscription)
    return delay


def _gave_up(subscription: WebhookSubscription) -> None:
    """A delivery given up on: after :data:`FAILED_IN_A_ROW` in a row, the subscription is
    disabled and the account told (an alert, and an event to its other subscriptions)."""
    fresh = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
    fresh.failed_in_a_row += 1
    if fresh.failed_in_a_row >= FAILED_IN_A_ROW and fresh.active:
        fresh.active = False
        fresh.disabled_reason = f"{fresh.failed_in_a_row} deliveries in a row failed"
        alert = Alert.objects.create(
            account_id=fresh.account_id,
            kind="webhook",
            message=f"webhook {fresh.pk} ({fresh.url}) disabled: {fresh.disabled_reason}",
            params={"url": fresh.url, "failed": fresh.failed_in_a_row},
        )
        fresh.save(update_fields=["failed_in_a_row", "active", "disabled_reason"])
        emit_alerts([alert])
        return
    fresh.save(update_fields=["failed_in_a_row"])
