"""Accounts never see each other: a member of account A sends every route of the OpenAPI
document — read, change, link, sync, delete, list — aimed at account B's records, and
learns nothing (404 exactly as for a record that does not exist, never 403; no trace of B
in any answer) and changes nothing of B's.

The routes come from the document itself, so a new route is in the matrix the day it is
added; a route whose path names a record the matrix cannot aim at B fails here until
``TARGETS`` learns it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.forms.models import model_to_dict
from django.test import Client

from firmsync.crm.models import Address, Company
from firmsync.enrichment.models import Alert, CardHistory, SyncState

from .conftest import CARDIOFORCE, TRADECENTER, Member

pytestmark = pytest.mark.django_db(transaction=True)

MARK = "ZQXB"  # in every name and message of B's: must never reach A
MISSING = 2**40  # an id no record has

# A body each write route accepts (a route not listed gets {}: it is still sent).
BODIES: dict[tuple[str, str], Any] = {
    ("post", "/api/v1/companies"): {"name": "A's card"},
    ("post", "/api/v1/companies/bulk"): {"companies": [{"name": "A's bulk card"}]},
    ("patch", "/api/v1/companies/{company_id}"): {"name": "renamed by A", "cui_input": "x"},
    ("post", "/api/v1/companies/{company_id}/link"): {"cui": CARDIOFORCE},
    ("put", "/api/v1/addon"): {"refresh_days": 9},
    ("post", "/api/v1/webhooks"): {
        "url": "http://127.0.0.1:9/hook",
        "events": ["company.synced"],
    },
}
# Query parameters that search, aimed at B's names.
QUERIES: dict[tuple[str, str], dict[str, str]] = {
    ("get", "/api/v1/companies"): {"q": MARK},
    ("get", "/api/v1/registry/search"): {"q": "cardio force"},
}


class Beta:
    """Account B's records, by the path parameter that names them."""

    def __init__(self, bob: Member) -> None:
        api = bob.api
        assert api.put("/addon", {"active": True}).status_code == 200
        made = api.post("/companies", {"name": f"{MARK} Trade", "cui_input": TRADECENTER})
        review = api.post("/companies", {"name": "CARDIO FORCE", "notes": MARK})
        self.card = made.body["id"]
        self.review = review.body["id"]
        assert api.get(f"/companies/{self.review}").body["sync"]["state"] == "review"
        self.alert = Alert.objects.create(
            account=bob.account, company_id=self.card, kind="status", message=f"{MARK} status"
        ).pk
        hook = api.post("/webhooks", {"url": f"http://127.0.0.1:9/{MARK}", "events": ["*"]})
        self.webhook = hook.body["id"] if hook.status_code == 201 else None
        self.account = bob.account

    def target(self, name: str, path: str) -> int | str:
        """B's record for the path parameter ``name`` (the card in review for ``link``)."""
        targets: dict[str, Callable[[], int | str | None]] = {
            "company_id": lambda: self.review if path.endswith("/link") else self.card,
            "alert_id": lambda: self.alert,
            "webhook_id": lambda: self.webhook,
            "cui": lambda: TRADECENTER,  # the register is public: not B's
        }
        if name not in targets or targets[name]() is None:
            pytest.fail(f"the isolation matrix cannot aim {{{name}}} of {path} at B: teach it")
        return targets[name]()  # type: ignore[return-value]

    def snapshot(self) -> str:
        """Everything of B's, to compare before and after A's requests."""
        cards = Company.objects.filter(account=self.account).order_by("pk")
        rows: list[Any] = [model_to_dict(c, exclude=["updated_at"]) for c in cards]
        rows += list(Address.objects.filter(company__in=cards).order_by("pk").values())
        rows += list(SyncState.objects.filter(company__in=cards).order_by("pk").values())
        rows += list(CardHistory.objects.filter(company__in=cards).order_by("pk").values())
        rows += list(Alert.objects.filter(account=self.account).order_by("pk").values())
        rows.append(self.account.addon.refresh_days)
        from firmsync.enrichment import models as enrichment

        if hasattr(enrichment, "WebhookSubscription"):
            subscriptions = enrichment.WebhookSubscription.objects.filter(account=self.account)
            rows += list(subscriptions.order_by("pk").values())
        return json.dumps(rows, default=str, sort_keys=True)


def _routes(client: Client) -> list[tuple[str, str]]:
    spec = client.get("/api/openapi.json").json()
    return [
        (method, path)
        for path, operations in spec["paths"].items()
        for method in operations
        if method in ("get", "post", "put", "patch", "delete")
    ]


def _send(member: Member, method: str, path: str, ids: dict[str, Any]) -> Any:
    url = re.sub(r"\{(\w+)\}", lambda m: str(ids[m.group(1)]), path)
    query = QUERIES.get((method, path))
    if method == "get":
        return member.api.get(url, **(query or {}))
    return member.api.call(method, url, BODIES.get((method, path), {}))


def test_a_member_of_one_account_reaches_nothing_of_another(
    configured: object, ana: Member, bob: Member, client: Client
) -> None:
    assert ana.api.put("/addon", {"active": True}).status_code == 200
    beta = Beta(bob)
    before = beta.snapshot()
    routes = _routes(client)
    assert len(routes) >= 19  # (the document itself, not an empty list)
    # Deletions last: the other routes are aimed at records that are still there.
    for method, path in sorted(routes, key=lambda route: route[0] == "delete"):
        names = re.findall(r"\{(\w+)\}", path)
        aimed = {name: beta.target(name, path) for name in names}
        answer = _send(ana, method, path, aimed)
        text = answer.content.decode()
        where = f"{method.upper()} {path}"
        assert MARK not in text, f"{where} shows B's data: {text[:300]}"
        assert answer.status_code != 403 or not names, f"{where} admits B's record exists"
        assert answer.status_code < 500, f"{where}: {text[:300]}"
        if any(name != "cui" for name in names):
            assert answer.status_code == 404, f"{where} answered {answer.status_code}: {text}"
            absent = _send(ana, method, path, dict.fromkeys(names, MISSING))
            assert (absent.status_code, absent.json()["error"]["code"]) == (
                answer.status_code,
                answer.json()["error"]["code"],
            ), f"{where}: B's record answers unlike a missing one"
    assert beta.snapshot() == before
    listed = ana.api.get("/companies").body["items"]
    assert {c["name"] for c in listed} >= {"A's card", "A's bulk card"}
    assert all(MARK not in c["name"] for c in listed)
