"""Typing in the list's search box: HTMX swaps the table in place and the address bar
follows."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, expect

from .conftest import Member, fill_acme

pytestmark = pytest.mark.django_db(transaction=True)


def _searched(url: str) -> str | None:
    """The search text in the address bar's query, if any."""
    return parse_qs(urlsplit(url).query).get("q", [None])[0]


def test_typing_filters_the_table_without_a_page_load(
    page: Page, active: Member, sign_in: Callable[[Member], None], shot: Callable[[str], Path]
) -> None:
    fill_acme(active)
    sign_in(active)
    page.goto("/")
    names = page.get_by_role("table").get_by_role("rowheader").get_by_role("link")
    expect(names).to_have_count(5)
    # A page load would lose this; an HTMX swap keeps it.
    page.evaluate("window.sameDocument = true")

    search = page.get_by_role("searchbox", name="Caută")
    expect(search).to_have_accessible_description(
        "Nume, denumire oficială, CUI sau număr de înregistrare"
    )
    with page.expect_request(lambda r: "q=lemn" in r.url and "hx-request" in r.headers) as asked:
        search.press_sequentially("lemn")
    assert asked.value.headers["hx-request"] == "true"
    expect(names).to_have_text(["Lemn Lind"])
    expect(page.get_by_role("table").locator("caption")).to_have_text("Companii găsite: 1")
    page.wait_for_url(lambda url: _searched(url) == "lemn")
    assert page.evaluate("window.sameDocument") is True
    shot("companies-searched")

    search.fill("nimic asemănător")
    expect(page.get_by_text("Nicio firmă nu corespunde acestor filtre.")).to_be_visible()
    page.wait_for_url(lambda url: _searched(url) == "nimic asemănător")
    assert page.evaluate("window.sameDocument") is True
