"""Signing in through the form, as a member does."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect

from .conftest import Member, add_card, fill_acme

pytestmark = pytest.mark.django_db(transaction=True)


def test_signing_in_lands_on_the_accounts_companies(
    page: Page, active: Member, bob: Member, shot: Callable[[str], Path]
) -> None:
    fill_acme(active)
    add_card(bob, "Beta Client")
    user = get_user_model().objects.get(username=active.email)
    user.set_password("correct horse")
    user.save()

    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/$"))
    expect(page.get_by_role("heading", name="Autentificare")).to_be_visible()
    shot("sign-in")

    page.get_by_label("Adresa de e-mail").fill(active.email)
    page.get_by_label("Parolă").fill("wrong horse")
    page.get_by_role("button", name="Autentificare").click()
    expect(page.get_by_role("alert")).to_have_text(
        "Adresa de e-mail și parola nu se potrivesc. Încercați din nou."
    )
    expect(page).to_have_url(re.compile(r"/login/"))
    shot("sign-in-refused")

    expect(page.get_by_label("Adresa de e-mail")).to_have_value(active.email)
    page.get_by_label("Parolă").fill("correct horse")
    page.get_by_role("button", name="Autentificare").click()
    expect(page).to_have_url(re.compile(r"^http://[^/]+/$"))
    expect(page.get_by_role("heading", name="Companii", exact=True)).to_be_visible()
    table = page.get_by_role("table")
    expect(table.locator("caption")).to_have_text("Companii găsite: 5")
    expect(table.get_by_role("rowheader").get_by_role("link")).to_have_text(
        ["Atelierul Ionescu", "Cardioforce", "Lemn Lind", "Trade Center", "Vecinul"]
    )
    expect(page.get_by_text("Beta Client")).to_have_count(0)
    expect(page.get_by_role("button", name="Ieșire")).to_be_visible()
    shot("signed-in")
