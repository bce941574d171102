"""The language switch in the header."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from .conftest import Member, fill_acme

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_switch_turns_the_page_to_english_and_back(
    page: Page, active: Member, sign_in: Callable[[Member], None], shot: Callable[[str], Path]
) -> None:
    cards = fill_acme(active)
    sign_in(active)
    page.goto(f"/companies/{cards['trade']}/")
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "ro")
    expect(page.get_by_role("heading", name="Date oficiale")).to_be_visible()

    page.get_by_role("button", name="Engleză").click()
    expect(html).to_have_attribute("lang", "en")
    expect(page).to_have_url(f"{page.url.split('/companies/')[0]}/companies/{cards['trade']}/")
    expect(page.get_by_role("heading", name="Official data")).to_be_visible()
    expect(page.get_by_role("heading", name="Sync: synced")).to_be_visible()
    expect(page.get_by_role("img", name="locked").first).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    expect(page.get_by_text("Date oficiale")).to_have_count(0)
    shot("card-english")

    page.get_by_role("button", name="Română").click()
    expect(html).to_have_attribute("lang", "ro")
    expect(page.get_by_role("heading", name="Date oficiale")).to_be_visible()
    expect(page.get_by_role("button", name="Ieșire")).to_be_visible()
    expect(page.get_by_text("Official data")).to_have_count(0)
    shot("card-romanian-again")


def test_the_switch_keeps_a_search_made_without_a_page_load(
    page: Page, active: Member, sign_in: Callable[[Member], None], shot: Callable[[str], Path]
) -> None:
    fill_acme(active)
    sign_in(active)
    page.goto("/")
    names = page.get_by_role("table").get_by_role("rowheader").get_by_role("link")
    page.get_by_role("searchbox", name="Caută").press_sequentially("lemn")
    expect(names).to_have_text(["Lemn Lind"])  # swapped in by htmx: the page was not reloaded

    page.get_by_role("button", name="Engleză").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("searchbox", name="Search")).to_have_value("lemn")
    expect(names).to_have_text(["Lemn Lind"])
    expect(page.get_by_role("table").locator("caption")).to_have_text("Companies found: 1")
    assert "q=lemn" in page.url
    shot("companies-searched-english")
