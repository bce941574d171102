"""Usage and bills: the month's statement, the months to choose, and the chart."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from firmsync.enrichment.services.usage import month_of

from .conftest import LEMNLIND, TRADECENTER, Member, browser

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_statement_counts_this_months_companies_of_the_account_only(
    active: Member, bob: Member
) -> None:
    for cui in (TRADECENTER, LEMNLIND):
        active.api.post("/companies", {"name": "C", "cui_input": cui})
    page = browser(active, "en").get("/usage/")
    assert page.status_code == 200
    month = month_of(timezone.now())
    assert f'<option value="{month}" selected>' in page.text
    assert "2 of 2000 included companies used" in page.text.replace(",", "")
    assert re.search(r'<meter[^>]* value="2"', page.text)
    assert page.text.count("<rect ") == 12  # the last twelve months
    assert "0 of 2000 included" in browser(bob, "en").get("/usage/").text.replace(",", "")
    assert "5.90" in page.text  # the monthly fee (EUR)


def test_a_wrong_month_says_so_and_shows_this_one(active: Member) -> None:
    page = browser(active, "en").get("/usage/", {"month": "2026-13"})
    assert page.status_code == 200 and "no such month" in page.text
    assert f'<option value="{month_of(timezone.now())}" selected>' in page.text
