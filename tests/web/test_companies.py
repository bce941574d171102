"""The company list and the company card, in both languages, scoped by the member's
account."""

from __future__ import annotations

import re

import pytest

from .conftest import CARDIOFORCE, TRADECENTER, Member, add_card, browser

pytestmark = pytest.mark.django_db(transaction=True)


def _names(html: str) -> list[str]:
    return re.findall(r'<th scope="row"><a href="/companies/\d+/">([^<]+)</a>', html)


def test_the_list_shows_the_accounts_cards_only(ana: Member, bob: Member) -> None:
    add_card(ana, "Acme Client")
    add_card(bob, "Beta Client")
    page = browser(ana).get("/")
    assert page.status_code == 200
    assert _names(page.text) == ["Acme Client"]
    assert _names(browser(bob).get("/").text) == ["Beta Client"]


def test_the_list_searches_filters_and_sorts(ana: Member) -> None:
    for name in ("Bravo", "Alfa", "Charlie"):
        add_card(ana, name, county="Cluj" if name != "Bravo" else "Tulcea")
    add_card(ana, "Opted out", "x")
    client = browser(ana)
    assert _names(client.get("/").text) == ["Alfa", "Bravo", "Charlie", "Opted out"]
    assert _names(client.get("/", {"sort": "-name"}).text)[0] == "Opted out"
    assert _names(client.get("/", {"q": "rav"}).text) == ["Bravo"]
    assert _names(client.get("/", {"county": "cluj"}).text) == ["Alfa", "Charlie"]
    assert _names(client.get("/", {"state": "none"}).text) == [
        "Alfa",
        "Bravo",
        "Charlie",
        "Opted out",
    ]
    # An unknown filter value is ignored rather than an error page.
    assert client.get("/", {"state": "bogus", "sort": "bogus"}).status_code == 200


def test_the_list_pages_and_htmx_gets_the_table_alone(ana: Member) -> None:
    for n in range(30):
        add_card(ana, f"Client {n:02}")
    client = browser(ana)
    first = client.get("/")
    assert len(_names(first.text)) == 25 and "Pagina 1 din 2" in first.text
    second = client.get("/", {"page": 2})
    assert _names(second.text) == [f"Client {n}" for n in range(25, 30)]
    fragment = client.get("/", {"q": "Client 1"}, headers={"HX-Request": "true"})
    assert "<html" not in fragment.text and len(_names(fragment.text)) == 10
    assert "HX-Request" in fragment["Vary"]
    # Back to a pushed address htmx no longer holds: the whole page, not a table in a void.
    restored = client.get(
        "/", {"q": "Client 1"}, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert "<html" in restored.text and len(_names(restored.text)) == 10


def test_a_synced_card_shows_locks_with_source_and_date(active: Member) -> None:
    card_id = add_card(active, "Trade", f"RO {TRADECENTER}")
    page = browser(active).get(f"/companies/{card_id}/")
    assert page.status_code == 200
    html = page.text
    assert "TRADECENTER SRL" in html and "sincronizată" in html
    assert html.count('aria-label="blocat"') >= 10
    assert "registrul comerțului" in html and "2026-09-02" not in html  # a local date
    assert "2 septembrie 2026" in html.lower()
    assert "Administratori" in html and "Istoricul modificărilor" in html
    english = browser(active, "en").get(f"/companies/{card_id}/").text
    assert "synced" in english and 'aria-label="locked"' in english
    assert "Sept. 2, 2026" in english
    # The financial history: a bar a year with its figure, and the same figures in the table.
    years = re.findall(r'<th scope="row">(\d{4})</th>', english)
    bars = re.findall(r"<rect [^>]*><title>(\d{4}): ([\d,]+)</title>", english)
    assert len(years) >= 2 and sorted(years) == [year for year, _ in bars]


def test_an_opted_out_card_says_why_it_is_stopped(active: Member) -> None:
    card_id = add_card(active, "Nobody", "x")
    html = browser(active).get(f"/companies/{card_id}/").text
    assert "„x” nu este un CUI valid" in html


def test_another_accounts_card_is_404(active: Member, bob: Member) -> None:
    card_id = add_card(active, "Cardio", CARDIOFORCE)
    assert browser(active).get(f"/companies/{card_id}/").status_code == 200
    assert browser(bob).get(f"/companies/{card_id}/").status_code == 404
    assert browser(bob).get("/companies/999999/").status_code == 404
