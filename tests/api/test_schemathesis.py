"""schemathesis against the API's own OpenAPI document: bounded generated requests to every
operation, with a member's token, must never get a 5xx nor an answer its document does
not describe (status, content type, headers, body schema)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from .conftest import TRADECENTER, Member, member

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


# (pytest-django has set Django up before this module is imported)
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())


@pytest.fixture
def in_test_transaction(caller: Member) -> Iterator[None]:
    """Keep the test's database connection across schemathesis' WSGI requests: Django closes
    it when a request starts and finishes (its test client unhooks that around each of its
    requests, the caller's set-up's among them; a plain WSGI call does not), and on
    PostgreSQL that would end the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def caller(configured: object, db: None, settings: Any) -> Member:
    """An administrator with a card synced and one in review, so that generated ids may
    find records too (the ids schemathesis picks are mostly missing: 404)."""
    settings.FIRMSYNC_API_RATE = "100000/m"
    ana = member("Acme", "ana@acme.ro")
    ana.api.put("/addon", {"active": True})
    ana.api.post("/companies", {"name": "Trade", "cui_input": TRADECENTER})
    ana.api.post("/companies", {"name": "CARDIO FORCE"})
    return ana


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
@pytest.mark.django_db
def test_every_operation_answers_as_documented(
    case: Any, caller: Member, in_test_transaction: None
) -> None:
    case.call_and_validate(headers=caller.api.headers(), checks=CHECKS)
