"""Settings → Company completion: who may switch the add-on, and what switching it off
removes, shown before anything is removed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from .conftest import CARDIOFORCE, TRADECENTER, Member, add_card, expect_synced

pytestmark = pytest.mark.django_db(transaction=True)


def _settings(page: Page) -> None:
    page.goto("/")
    page.get_by_role("navigation", name="Principal").get_by_role("link", name="Setări").click()
    expect(page.get_by_role("heading", name="Completarea companiei", level=1)).to_be_visible()


def test_a_member_sees_the_state_and_only_an_administrator_the_controls(
    page: Page,
    active: Member,
    ion: Member,
    sign_in: Callable[[Member], None],
    shot: Callable[[str], Path],
) -> None:
    sign_in(ion)
    _settings(page)
    expect(page.get_by_role("heading", name="Pornită")).to_be_visible()
    expect(
        page.get_by_text("Doar un administrator al contului o poate porni sau opri.")
    ).to_be_visible()
    controls = page.get_by_role("main").get_by_role("button")
    expect(controls).to_have_count(0)  # neither "Pornește" nor "Oprește…", nor "Salvează"
    expect(page.get_by_role("spinbutton")).to_have_count(0)
    shot("settings-member")

    sign_in(active)  # the administrator, in the same tab
    page.reload()
    expect(page.get_by_role("button", name="Oprește…")).to_be_visible()
    expect(page.get_by_role("spinbutton", name="Actualizare la fiecare (zile)")).to_be_visible()
    expect(page.get_by_role("button", name="Salvează")).to_be_visible()
    expect(page.get_by_text("Doar un administrator al contului")).to_have_count(0)
    shot("settings-administrator")


def test_switching_off_lists_what_goes_and_removes_it_only_when_confirmed(
    page: Page, active: Member, sign_in: Callable[[Member], None], shot: Callable[[str], Path]
) -> None:
    trade = add_card(active, "Trade Center", f"RO {TRADECENTER}")
    add_card(active, "Cardio", CARDIOFORCE)
    sign_in(active)
    _settings(page)
    page.get_by_role("button", name="Oprește…").click()
    expect(page.get_by_role("heading", name="Oprirea completării companiei")).to_be_visible()
    removal = page.get_by_role("region", name="Se vor șterge:").get_by_role("listitem")
    expect(removal).to_have_text(
        [
            "datele oficiale a 2 fișe",
            "27 de valori completate (valorile dumneavoastră de dinainte revin)",
            "2 adrese de sediu social",
            "3 ani financiari",
            "2 administratori",
        ]
    )
    shot("settings-switch-off")

    page.get_by_role("link", name="Renunță").click()
    expect(page.get_by_role("heading", name="Pornită")).to_be_visible()
    page.goto(f"/companies/{trade}/")
    expect_synced(page, "TRADECENTER SRL")

    _settings(page)
    page.get_by_role("button", name="Oprește…").click()
    page.get_by_role("button", name="Șterge datele și oprește").click()
    expect(page.get_by_role("status")).to_have_text(
        "Completarea companiei este oprită: datele ei au fost șterse."
    )
    expect(page.get_by_role("heading", name="Oprită")).to_be_visible()
    expect(page.get_by_role("button", name="Pornește")).to_be_visible()
    page.goto(f"/companies/{trade}/")
    official = page.get_by_role("region", name="Date oficiale")
    expect(official.get_by_role("img", name="blocat")).to_have_count(0)
    legal_name = official.locator(".field", has_text="Denumire oficială").locator("dd")
    expect(legal_name).to_have_text("—")
    expect(page.get_by_role("region", name="Sincronizare: nesincronizată")).to_be_visible()
    shot("card-after-switch-off")
