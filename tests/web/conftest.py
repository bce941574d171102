"""Signed-in browsers (Django's test client) for the members of tests/api/conftest.py:
real requests through the whole middleware stack, on the real database."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from ..api.conftest import (  # noqa: F401  (fixtures)
    CARDIOFORCE,
    LEMNLIND,
    TRADECENTER,
    Member,
    ana,
    bob,
    configured,
    ion,
    register,
)

__all__ = ["CARDIOFORCE", "LEMNLIND", "TRADECENTER", "Member", "add_card", "browser"]


def browser(member: Member, language: str = "ro") -> Client:
    """A client signed in as ``member``, asking for ``language`` the way a browser does."""
    client = Client(headers={"Accept-Language": language})
    client.force_login(get_user_model().objects.get(username=member.email))
    return client


def add_card(member: Member, name: str, cui: str = "", **fields: str) -> int:
    """A card made through the API, as a member's CRM would: its id."""
    made = member.api.post("/companies", {"name": name, "cui_input": cui, **fields})
    assert made.status_code == 201, made.body
    return made.body["id"]


@pytest.fixture
def active(configured: object, ana: Member) -> Member:  # noqa: F811
    """Acme with the add-on on: new cards sync from the test register at once."""
    assert ana.api.put("/addon", {"active": True}).status_code == 200
    return ana
