"""A synced card as its reader sees it: what the sync keeps is locked, and says where it
came from and when."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from .conftest import Member, fill_acme

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_synced_card_shows_its_locked_fields_read_only(
    page: Page, active: Member, sign_in: Callable[[Member], None], shot: Callable[[str], Path]
) -> None:
    cards = fill_acme(active)
    sign_in(active)
    page.goto(f"/companies/{cards['trade']}/")
    expect(page.get_by_role("heading", name="Sincronizare: sincronizată")).to_be_visible()
    shot("card-synced")

    official = page.get_by_role("region", name="Date oficiale")
    locks = official.get_by_role("img", name="blocat")
    assert locks.count() >= 10
    expect(locks.first).to_have_attribute("title", "Sincronizat din datele oficiale: doar citire")
    # Read-only: the official data is text, with nothing to type into or pick from.
    expect(official.locator("input, select, textarea, [contenteditable]")).to_have_count(0)

    legal_name = official.locator(".field", has_text="Denumire oficială")
    expect(legal_name.get_by_role("img", name="blocat")).to_be_visible()
    expect(legal_name.locator("dd")).to_contain_text("TRADECENTER SRL")
    expect(legal_name.locator(".source")).to_have_text(
        "sursa: registrul comerțului, 2 septembrie 2026", ignore_case=True
    )
    # Nowhere on the page, the card's edit form included, is there a box to change it.
    expect(page.get_by_role("textbox", name="Denumire oficială")).to_have_count(0)
    # Every locked field names its source and date.
    for field in official.locator(".field.locked").all():
        expect(field.locator(".source")).to_have_text(re.compile(r"^sursa: .+, \d{1,2} \w+ \d{4}$"))
