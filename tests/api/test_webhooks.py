"""Webhooks: subscriptions over the API, events delivered by the worker's job to a real
local HTTP receiver that verifies every signature with the ``standardwebhooks`` package's
own verifier and refuses replays; retries with backoff; a failing subscription disabled
with an alert."""

from __future__ import annotations

import datetime
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from huey.contrib.djhuey import HUEY
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from firmsync.enrichment.models import Alert, WebhookDelivery
from firmsync.enrichment.services.webhooks import ATTEMPTS, emit, webhook_deliver

from .conftest import TRADECENTER, Member

pytestmark = pytest.mark.django_db(transaction=True)


class Receiver:
    """An endpoint as an integrator would write it: verify, refuse a replayed message id,
    then accept — or answer 500 for the first ``failing`` requests."""

    def __init__(self) -> None:
        self.secret = ""
        self.failing = 0
        self.accepted: list[dict[str, object]] = []
        self.raw: list[tuple[bytes, dict[str, str]]] = []
        self.refused: list[str] = []
        self.seen: set[str] = set()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                headers = {k.lower(): v for k, v in self.headers.items()}
                receiver.raw.append((body, headers))
                status = receiver.handle(body, headers)
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def handle(self, body: bytes, headers: dict[str, str]) -> int:
        if self.failing > 0:
            self.failing -= 1
            return 500
        try:
            payload = Webhook(self.secret).verify(body, headers)
        except WebhookVerificationError as error:
            self.refused.append(str(error))
            return 400
        message = headers["webhook-id"]
        if message in self.seen:
            self.refused.append("replayed message id")
            return 409
        self.seen.add(message)
        self.accepted.append(payload)
        return 204


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    made = Receiver()
    yield made
    made.server.shutdown()


def _subscribe(member: Member, receiver: Receiver, events: list[str]) -> int:
    made = member.api.post("/webhooks", {"url": receiver.url, "events": events})
    assert made.status_code == 201, made.body
    assert made.body["secret"].startswith("whsec_")
    receiver.secret = made.body["secret"]
    assert "secret" not in member.api.get("/webhooks").body["items"][0]  # shown once
    return made.body["id"]


def test_sync_and_review_events_arrive_signed(
    configured: object, ana: Member, receiver: Receiver
) -> None:
    hook = _subscribe(ana, receiver, ["company.synced", "company.review_needed"])
    ana.api.put("/addon", {"active": True})
    card = ana.api.post("/companies", {"name": "Trade", "cui_input": TRADECENTER}).body["id"]
    ana.api.post("/companies", {"name": "CARDIO FORCE"})
    kinds = [p["type"] for p in receiver.accepted]
    assert kinds == ["company.synced", "company.review_needed"], receiver.refused
    synced = receiver.accepted[0]["data"]
    assert synced["company_id"] == card and synced["legal_name"] == "TRADECENTER SRL"  # type: ignore[index]
    log = ana.api.get(f"/webhooks/{hook}/deliveries").body["items"]
    assert [(d["event_type"], d["status"], d["attempts"]) for d in log] == [
        ("company.review_needed", "delivered", 1),
        ("company.synced", "delivered", 1),
    ]
    tested = ana.api.post(f"/webhooks/{hook}/test")
    assert tested.status_code == 202 and receiver.accepted[-1]["type"] == "webhook.test"


def test_a_replayed_or_stale_delivery_is_refused_by_the_verifier(
    configured: object, ana: Member, receiver: Receiver
) -> None:
    hook = _subscribe(ana, receiver, ["*"])
    ana.api.post(f"/webhooks/{hook}/test")
    body, headers = receiver.raw[-1]
    replay = httpx.post(receiver.url, content=body, headers=headers)
    assert replay.status_code == 409 and receiver.refused == ["replayed message id"]
    forged = {**headers, "webhook-timestamp": str(int(headers["webhook-timestamp"]) - 1)}
    assert httpx.post(receiver.url, content=body, headers=forged).status_code == 400
    assert receiver.refused[-1] == "No matching signature found"  # the timestamp is signed
    # A delivery signed ten minutes ago (an attacker's replay of a captured one) is too old.
    stale = ana.api.post(f"/webhooks/{hook}/test").body["delivery_id"]
    WebhookDelivery.objects.filter(pk=stale).update(status="pending", attempts=0)
    old = datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=10)
    assert webhook_deliver(stale, now=old) == 5  # refused (400): tried again in 5 s
    assert receiver.refused[-1] == "Message timestamp too old"


def test_failed_attempts_are_retried_with_backoff_under_the_same_id(
    configured: object, ana: Member, receiver: Receiver
) -> None:
    _subscribe(ana, receiver, ["company.synced"])
    receiver.failing = 2
    HUEY.flush()
    emit([(ana.account.pk, "company.synced", {"company_id": 1})])  # the job tries at once
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.response_status) == ("pending", 1, 500)
    retry = HUEY.scheduled()
    assert len(retry) == 1 and retry[0].args == (delivery.pk,)
    utc_now = datetime.datetime.now(datetime.UTC).replace(tzinfo=None)  # (huey: naive UTC)
    assert 3 <= (retry[0].eta - utc_now).total_seconds() <= 6  # the first backoff: 5 s
    assert webhook_deliver(delivery.pk) == 20  # the second attempt fails too: 20 s
    assert webhook_deliver(delivery.pk) is None  # the third is accepted
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("delivered", 3)
    ids = {h["webhook-id"] for _, h in receiver.raw}
    assert ids == {delivery.event_id}  # one message id across its attempts
    HUEY.flush()


def test_a_subscription_that_keeps_failing_is_disabled_with_an_alert(
    configured: object, ana: Member, receiver: Receiver
) -> None:
    hook = _subscribe(ana, receiver, ["*"])
    receiver.failing = 10**6
    HUEY.flush()
    for n in range(3):
        emit([(ana.account.pk, "company.synced", {"company_id": n})])
        delivery = WebhookDelivery.objects.filter(event_type="company.synced").latest("pk")
        while webhook_deliver(delivery.pk) is not None:
            pass
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts) == ("failed", ATTEMPTS)
    HUEY.flush()
    shown = ana.api.get("/webhooks").body["items"][0]
    assert shown["active"] is False and "3 deliveries in a row" in shown["disabled_reason"]
    alert = Alert.objects.get(kind="webhook")
    assert str(hook) in alert.message
    assert any(a["kind"] == "webhook" for a in ana.api.get("/alerts").body["items"])
    assert emit([(ana.account.pk, "company.synced", {})]) == 0  # a disabled one gets nothing


def test_only_administrators_manage_webhooks(ion: Member, ana: Member) -> None:
    refused = ion.api.post("/webhooks", {"url": "http://127.0.0.1:9/x", "events": ["*"]})
    assert refused.status_code == 403 and "administrator" in refused.body["error"]["message"]
    assert ion.api.get("/webhooks").status_code == 403
    unknown = ana.api.post("/webhooks", {"url": "http://127.0.0.1:9/x", "events": ["nope"]})
    assert unknown.status_code == 422 and unknown.body["error"]["field"] == "events"
    made = ana.api.post("/webhooks", {"url": "http://127.0.0.1:9/x", "events": ["*"]}).body
    assert ion.api.delete(f"/webhooks/{made['id']}").status_code == 403
    assert ana.api.delete(f"/webhooks/{made['id']}").status_code == 204
    assert ana.api.get("/webhooks").body["items"] == []
    assert json.dumps(made).count("whsec_") == 1
