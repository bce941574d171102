"""A card's contact form: what is saved stays, and a refused value is shown at its box."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from .conftest import Member, add_card

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_contact_form_saves_and_shows_a_refused_cui_at_its_box(
    page: Page, ana: Member, sign_in: Callable[[Member], None], shot: Callable[[str], Path]
) -> None:
    card = add_card(ana, "Atelierul Ionescu", county="Cluj")
    sign_in(ana)
    page.goto(f"/companies/{card}/")
    contact = page.get_by_role("region", name="Contact")
    contact.get_by_role("textbox", name="Telefon").fill("+40 264 123 456")
    contact.get_by_role("textbox", name="Note").fill("Plătește la 30 de zile.")
    contact.get_by_role("button", name="Salvează").click()
    expect(page.get_by_role("status")).to_have_text("Salvat.")

    page.reload()
    expect(page.get_by_role("status")).to_have_count(0)  # said once
    expect(contact.get_by_role("textbox", name="Telefon")).to_have_value("+40 264 123 456")
    expect(contact.get_by_role("textbox", name="Note")).to_have_value("Plătește la 30 de zile.")

    cui = contact.get_by_role("textbox", name="CUI")
    cui.fill("66815091")  # TRADECENTER's CUI with the last digit wrong
    contact.get_by_role("button", name="Salvează").click()
    row = contact.locator(".field-row").filter(has=page.get_by_role("textbox", name="CUI"))
    refusal = (
        "Acesta nu este un CUI valid: cifra de control este greșită. "
        "Verificați-l sau scrieți x pentru a lăsa fișa nesincronizată."
    )
    expect(row.get_by_role("alert")).to_have_text(refusal)
    expect(page.get_by_role("alert")).to_have_count(1)  # at the CUI's box, and nowhere else
    expect(cui).to_have_attribute("aria-invalid", "true")
    expect(cui).to_have_accessible_description(refusal)  # read with the box
    expect(cui).to_have_value("66815091")  # kept, to be corrected
    shot("card-refused-cui")
    page.goto(f"/companies/{card}/")
    expect(contact.get_by_role("textbox", name="CUI")).to_have_value("")  # nothing was saved
