"""A new card from the header's "Firmă nouă": the register's companies offered as the user
types a name or a CUI, one picked to fill the name and CUI boxes, and the card synced.

The card's sync is a job; with the add-on's fixtures jobs run at once in the process that
queues them, and the live server's thread is in this process: the job runs in the request
that creates the card, as a worker would run it moments later, and the card page that
follows shows its outcome."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from .conftest import TRADECENTER, Member, expect_synced

pytestmark = pytest.mark.django_db(transaction=True)

TRADECENTER_LINE = f"CUI {TRADECENTER} · J2022000001360 · Tulcea, Tulcea · activă"


def _new_card(page: Page) -> Locator:
    """Opens the new card from the header; its name box."""
    page.goto("/")
    main = page.get_by_role("navigation", name="Principal")
    main.get_by_role("link", name="Firmă nouă").click()
    expect(page.get_by_role("heading", name="Firmă nouă", level=1)).to_be_visible()
    return page.get_by_role("textbox", name="Nume")


def _suggestions(page: Page) -> Locator:
    return page.locator("#suggestions").get_by_role("link")


def _create(page: Page) -> None:
    page.get_by_role("button", name="Creează fișa").click()
    expect(page).to_have_url(re.compile(r"/companies/\d+/$"))


def test_a_name_typed_offers_the_register_and_a_pick_makes_a_synced_card(
    page: Page, active: Member, sign_in: Callable[[Member], None], shot: Callable[[str], Path]
) -> None:
    sign_in(active)
    name = _new_card(page)
    name.press_sequentially("trade center")
    expect(page.get_by_text("Firme care ar putea fi aceasta — alegeți una:")).to_be_visible()
    expect(_suggestions(page)).to_have_count(1)
    expect(_suggestions(page).first).to_contain_text("TRADECENTER SRL")
    expect(_suggestions(page).first).to_contain_text(TRADECENTER_LINE)
    shot("new-card-suggestions")

    name.press("Tab")  # from the name box to the first suggestion, and Enter picks it
    expect(_suggestions(page).first).to_be_focused()
    page.keyboard.press("Enter")
    expect(name).to_have_value("TRADECENTER SRL")
    expect(page.get_by_role("textbox", name="CUI")).to_have_value(TRADECENTER)
    _create(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("TRADECENTER SRL")
    expect_synced(page, "TRADECENTER SRL")
    shot("new-card-synced")


def test_a_cui_typed_offers_exactly_that_company(
    page: Page, active: Member, sign_in: Callable[[Member], None], shot: Callable[[str], Path]
) -> None:
    sign_in(active)
    _new_card(page).press_sequentially(f"RO {TRADECENTER}")
    expect(page.get_by_text("Firma cu acest CUI:")).to_be_visible()
    expect(_suggestions(page)).to_have_count(1)
    expect(_suggestions(page)).to_contain_text(TRADECENTER_LINE)
    shot("new-card-by-cui")

    _suggestions(page).click()
    expect(page.get_by_role("textbox", name="CUI")).to_have_value(TRADECENTER)
    _create(page)
    expect_synced(page, "TRADECENTER SRL")


def test_x_for_a_cui_stops_the_card_and_says_why(
    page: Page, active: Member, sign_in: Callable[[Member], None], shot: Callable[[str], Path]
) -> None:
    sign_in(active)
    _new_card(page).fill("Vecinul")
    page.get_by_role("textbox", name="CUI").fill("x")
    _create(page)
    sync = page.get_by_role("region", name="Sincronizare: oprită")
    expect(sync).to_be_visible()
    expect(sync.locator("p").first).to_have_text(
        "„x” nu este un CUI valid, deci fișa nu se sincronizează. "
        "Introduceți un CUI real ca să reluați."
    )
    expect(page.get_by_role("region", name="Date oficiale").get_by_role("img")).to_have_count(0)
    shot("card-stopped")
