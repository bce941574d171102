"""The review queue ("De verificat"): cards whose name the register could not settle, each
with its candidates; "Aceasta" links one in a click, "Niciuna dintre acestea" stops it."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from .conftest import Member, add_card, expect_synced

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_card_in_review_is_linked_in_one_click_or_stopped(
    page: Page, active: Member, sign_in: Callable[[Member], None], shot: Callable[[str], Path]
) -> None:
    cardio = add_card(active, "CARDIO FORCE")  # two words: the register has it as one
    add_card(active, "Lemn Lind")
    sign_in(active)
    page.goto("/")
    page.get_by_role("navigation", name="Principal").get_by_role(
        "link", name="De verificat"
    ).click()
    expect(page.get_by_text("2 fișe așteaptă să alegeți firma.")).to_be_visible()
    item = page.get_by_role("article").filter(
        has=page.get_by_role("heading", name="CARDIO FORCE", exact=True)
    )
    expect(item.get_by_role("listitem")).to_have_count(1)
    expect(item.get_by_role("listitem")).to_contain_text("CARDIOFORCE SRL — CUI 18547290")
    shot("review")

    item.get_by_role("button", name="Aceasta").click()
    expect(page).to_have_url(re.compile(rf"/companies/{cardio}/$"))
    expect_synced(page, "CARDIOFORCE SRL")

    page.goto("/companies/review/")
    expect(page.get_by_text("1 fișă așteaptă să alegeți firma.")).to_be_visible()
    lemn = page.get_by_role("article").filter(has_text="Lemn Lind")
    lemn.get_by_role("button", name="Niciuna dintre acestea").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lemn Lind")
    expect(page.get_by_role("region", name="Sincronizare: oprită")).to_be_visible()
    expect(page.get_by_role("textbox", name="CUI")).to_have_value("x")
    shot("card-none-of-these")

    page.goto("/companies/review/")
    expect(page.get_by_text("Nimic de verificat.")).to_be_visible()
