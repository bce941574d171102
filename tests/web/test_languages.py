"""Every page, rendered in Romanian, shows no English string of the catalogue (and in
English, none of its Romanian ones)."""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client

from .conftest import TRADECENTER, Member, browser
from .test_catalogue import PO, entries

pytestmark = pytest.mark.django_db(transaction=True)

TEXT = re.compile(r'>([^<]+)<|(?:aria-label|title)="([^"]+)"')


def shown_texts(page: str) -> set[str]:
    """The texts a reader meets: between tags, and in labels and titles."""
    found = set()
    for between, attribute in TEXT.findall(page.split("<body", 1)[-1]):  # (or a fragment)
        for text in (between, attribute):
            for part in re.split(r"\s*(?:\n|·|→|—)\s*", html.unescape(text)):
                if part.strip():
                    found.add(part.strip().rstrip(":"))
    return found


def foreign(page: str, *, to: str) -> set[str]:
    """Catalogue strings left in the other language (``to``: the page's)."""
    pairs = [
        (e["msgid"], e["msgstr"])
        for e in entries(PO.read_text(encoding="utf-8"))
        if "msgid_plural" not in e  # (counted sentences: their numbers are no word to find)
    ]
    other = {
        (source if to == "ro" else target).rstrip(":")
        for source, target in pairs
        if source != target and "%(" not in source
    }
    return shown_texts(page) & other


def _pages(member: Member, language: str) -> list[str]:
    client = browser(member, language)
    synced = member.api.post("/companies", {"name": "Trade", "cui_input": TRADECENTER}).body
    stopped = member.api.post("/companies", {"name": "Nobody", "cui_input": "x"}).body
    return [
        client.get("/").text,
        client.get("/", {"q": "no such company"}).text,
        client.get(f"/companies/{synced['id']}/").text,
        client.get(f"/companies/{stopped['id']}/").text,
        client.get("/companies/new/").text,
        client.get("/companies/review/").text,
        client.get("/settings/company-completion/").text,
        client.get("/usage/").text,
        client.get("/alerts/").text,
        client.get("/companies/import/").text,
        client.post(
            "/companies/new/", {"name": "T", "cui_input": "66815091", "country": "RO"}
        ).text,
        client.get("/settings/tokens/").text,
        client.get("/settings/members/").text,
        client.get("/settings/webhooks/").text,
        client.post("/settings/company-completion/switch/", {"active": "off"}).text,
        Client(headers={"Accept-Language": language}).get("/login/").text,
        Client(headers={"Accept-Language": language}).get("/password-reset/").text,
    ]


@pytest.mark.parametrize("language", ["ro", "en"])
def test_no_string_of_the_other_language(active: Member, language: str) -> None:
    for page in _pages(active, language):
        assert f'<html lang="{language}">' in page
        assert foreign(page, to=language) == set()
        # (and the check reads the page: the page's own language is found in it)
        assert foreign(page, to="en" if language == "ro" else "ro")
    client = browser(active, language)
    for typed in ("zzqx yyvw", "cardio force", f"RO {TRADECENTER}"):  # fragments, for htmx
        fragment = client.get("/companies/typeahead/", {"name": typed}).text
        assert foreign(fragment, to=language) == set()
        assert foreign(fragment, to="en" if language == "ro" else "ro")


def test_the_check_finds_an_untranslated_string() -> None:
    page = '<body><h2>Sign out</h2><span aria-label="blocat">x</span><p>Companii</p></body>'
    assert foreign(page, to="ro") == {"Sign out"}
    assert foreign(page, to="en") == {"blocat", "Companii"}
