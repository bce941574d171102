"""``/registry``: facts by CUI in the CompanyFacts JSON, and the typeahead."""

from __future__ import annotations

import json

import pytest

from firmsync.enrichment.services.register import register_facts

from ..registry.snapshot import CNP
from .conftest import CARDIOFORCE, TRADECENTER, Member

pytestmark = pytest.mark.django_db


def test_facts_are_the_same_json_as_registry_show(configured: object, ana: Member) -> None:
    answer = ana.api.get(f"/registry/RO{TRADECENTER}")
    assert answer.status_code == 200
    assert answer.body == json.loads(register_facts(TRADECENTER).to_json())
    assert answer.body["name"] == "TRADECENTER SRL" and answer.body["sources"]
    assert all(set(r) == {"name", "role"} for r in answer.body["representatives"])
    unknown = ana.api.get("/registry/18547217")
    assert unknown.status_code in (404, 422) and unknown.body["error"]["code"] in (
        "not_found",
        "invalid",
    )


def test_a_personal_code_is_never_repeated_in_an_error(configured: object, ana: Member) -> None:
    refused = ana.api.get(f"/registry/{CNP}")
    assert refused.status_code == 422 and refused.body["error"]["field"] == "cui"
    assert CNP not in refused.content.decode()


def test_search_by_name_or_cui(configured: object, ana: Member) -> None:
    by_name = ana.api.get("/registry/search", q="cardio force")
    assert by_name.status_code == 200
    assert by_name.body["items"][0]["cui"] == CARDIOFORCE
    assert by_name.body["decision"] in ("linked", "review")
    by_cui = ana.api.get("/registry/search", q=f"RO {TRADECENTER}").body
    assert by_cui["decision"] == "cui" and by_cui["items"][0]["name"] == "TRADECENTER SRL"
    typing = ana.api.get("/registry/search", q="6681").body
    assert typing == {"decision": "none", "items": []}
    assert ana.api.get("/registry/search").status_code == 422
