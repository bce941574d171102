"""What every route shares: the token, the one error shape, per-token limits with
``Retry-After``, ``Idempotency-Key`` on POST, the OpenAPI document and docs without a CDN."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from firmsync.crm.models import ApiToken, Company
from firmsync.crm.services import token_revoke

from .conftest import Api, Member

pytestmark = pytest.mark.django_db


def test_no_token_a_wrong_one_or_a_revoked_one_is_401_in_the_one_shape(ana: Member) -> None:
    for token in (None, "fs_nope"):
        refused = Api(Client(), token).get("/companies")
        assert refused.status_code == 401
        assert refused.body == {
            "error": {
                "code": "unauthorized",
                "message": refused.body["error"]["message"],
                "field": None,
            }
        }
    assert ana.api.get("/companies").status_code == 200
    token_revoke(token_id=ApiToken.objects.get(membership__user__username=ana.email).pk)
    assert ana.api.get("/companies").status_code == 401


def test_too_many_requests_with_one_token_is_429_with_retry_after(
    ana: Member, bob: Member, settings
) -> None:
    settings.FIRMSYNC_API_RATE = "3/h"
    answers = [ana.api.get("/alerts").status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    limited = ana.api.get("/alerts")
    assert limited.body["error"]["code"] == "rate_limited"
    assert 1 <= int(limited["Retry-After"]) <= 3600
    assert bob.api.get("/alerts").status_code == 200  # per token, not for everyone


def test_a_retried_create_with_the_same_key_returns_the_first_answer(ana: Member) -> None:
    body = {"name": "Once"}
    first = ana.api.post("/companies", body, **{"Idempotency-Key": "k-1"})
    again = ana.api.post("/companies", body, **{"Idempotency-Key": "k-1"})
    assert first.status_code == again.status_code == 201
    assert again.body == first.body and again["Idempotent-Replayed"] == "true"
    assert Company.objects.filter(name="Once").count() == 1
    other = ana.api.post("/companies", {"name": "Twice"}, **{"Idempotency-Key": "k-1"})
    assert other.status_code == 422 and other.body["error"]["code"] == "idempotency_key_reused"
    assert ana.api.post("/companies", body, **{"Idempotency-Key": "k-2"}).status_code == 201
    assert Company.objects.filter(name="Once").count() == 2  # a new key: a new request


def test_a_refusal_is_kept_too_and_keys_belong_to_their_token(ana: Member, bob: Member) -> None:
    typo = {"name": "T", "cui_input": "66815091"}
    assert ana.api.post("/companies", typo, **{"Idempotency-Key": "k"}).status_code == 422
    assert ana.api.post("/companies", typo, **{"Idempotency-Key": "k"}).status_code == 422
    made = bob.api.post("/companies", {"name": "B"}, **{"Idempotency-Key": "k"})
    assert made.status_code == 201 and made.body["account"] == "Beta"


def test_the_openapi_document_and_the_docs_page_use_no_cdn(client: Client) -> None:
    document = client.get("/api/openapi.json")
    assert document.status_code == 200
    spec = document.json()
    assert spec["openapi"].startswith("3.1")
    assert "/api/v1/companies/{company_id}" in spec["paths"]
    assert spec["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"
    page = client.get("/api/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets and all(a.startswith("/static/") for a in assets), assets
    assert not re.search(r"https?://", html)
    for asset in assets:  # whitenoise serves them (Django's test client: through finders)
        assert client.get(asset).status_code == 200, asset
