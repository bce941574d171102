"""axe-core on every main page, as a member sees it: no serious or critical violation.
These visits also take the README's screenshots."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from firmsync.enrichment.models import Alert

from .conftest import TRADECENTER, Member, add_card, assert_axe_clean, fill_acme

pytestmark = pytest.mark.django_db(transaction=True)


def _alerts(member: Member) -> None:
    """Two alerts as a sync and the usage meter leave them: one read, one not."""
    status = {"card": "Cardioforce", "field": "status", "old": "active", "new": "insolvency"}
    usage = {"companies": 1600, "share": 80, "included": 2000}
    Alert.objects.create(account=member.account, kind="status", message="-", params=status)
    Alert.objects.create(account=member.account, kind="usage", message="-", params=usage, read=True)


def test_the_signed_out_pages_pass_axe(page: Page, shot: Callable[[str], Path]) -> None:
    def login() -> None:
        page.goto("/login/")
        expect(page.get_by_role("heading", name="Autentificare")).to_be_visible()
        shot("login")

    def password_reset() -> None:
        page.get_by_role("link", name="Ați uitat parola?").click()
        expect(page.get_by_role("button", name="Trimite linkul")).to_be_visible()
        shot("password-reset")

    assert_axe_clean({"login": login, "password reset": password_reset}, page)


def test_the_companies_pages_pass_axe(
    page: Page, active: Member, sign_in: Callable[[Member], None], shot: Callable[[str], Path]
) -> None:
    cards = fill_acme(active)
    review = add_card(active, "CARDIO FORCE")
    add_card(active, "Lemn Lind")  # two cards in review: the queue repeats its sections
    sign_in(active)

    def companies() -> None:
        page.goto("/")
        expect(page.get_by_role("table")).to_be_visible()
        shot("companies")

    def new_card() -> None:
        page.goto("/companies/new/")
        page.get_by_role("textbox", name="Nume").press_sequentially("trade center")
        expect(page.locator("#suggestions").get_by_role("link")).to_have_count(1)
        shot("new-card")

    def synced_card() -> None:
        page.goto(f"/companies/{cards['trade']}/")
        expect(page.get_by_role("heading", name="Date oficiale")).to_be_visible()
        shot("card")

    def card_in_review() -> None:
        page.goto(f"/companies/{review}/")
        expect(page.get_by_role("button", name="Niciuna dintre acestea")).to_be_visible()
        shot("card-review")

    def review_queue() -> None:
        page.goto("/companies/review/")
        expect(page.get_by_role("article")).to_have_count(2)
        shot("review-queue")

    def import_upload() -> None:
        page.goto("/")
        page.get_by_role("link", name="Importă o listă de clienți").click()
        expect(page.get_by_label("Fișier (CSV sau XLSX)")).to_be_visible()

    def import_mapping() -> None:
        rows = f"Denumire;CUI\nTrade;{TRADECENTER}\nGreșit;66815091\nClient;"
        page.get_by_label("Fișier (CSV sau XLSX)").set_input_files(
            files=[{"name": "clienti.csv", "mimeType": "text/csv", "buffer": rows.encode()}]
        )
        page.get_by_role("button", name="Citește fișierul").click()
        expect(page.get_by_label("CUI", exact=True)).to_have_value("CUI")

    def import_done() -> None:
        page.get_by_role("button", name="Importă", exact=True).click()
        expect(page.get_by_role("heading", name="Import încheiat")).to_be_visible()

    assert_axe_clean(
        {
            "companies": companies,
            "import: the file": import_upload,
            "import: its columns and preview": import_mapping,
            "import: each row's outcome": import_done,
            "new card (suggestions open)": new_card,
            "card (synced)": synced_card,
            "card (in review)": card_in_review,
            "review queue": review_queue,
        },
        page,
    )


def test_the_account_pages_pass_axe(
    page: Page,
    active: Member,
    ion: Member,
    sign_in: Callable[[Member], None],
    shot: Callable[[str], Path],
) -> None:
    fill_acme(active)
    _alerts(active)
    sign_in(active)

    def alerts() -> None:
        page.goto("/alerts/")
        expect(page.get_by_role("heading", name="Alerte", level=1)).to_be_visible()
        shot("alerts")

    def usage() -> None:
        page.goto("/usage/")
        expect(page.get_by_role("meter")).to_be_visible()
        shot("usage")

    def settings() -> None:
        page.goto("/settings/company-completion/")
        expect(page.get_by_role("button", name="Oprește…")).to_be_visible()
        shot("settings")

    def tokens() -> None:
        page.goto("/settings/tokens/")
        page.get_by_role("textbox", name="Nume (la ce folosește)").fill("erp")
        page.get_by_role("button", name="Creează un token").click()
        expect(page.get_by_role("textbox", name="Token")).to_be_visible()  # shown once
        shot("tokens")

    def members() -> None:
        page.goto("/settings/members/")
        expect(page.get_by_text("ion@acme.ro")).to_be_visible()
        shot("members")

    def webhooks() -> None:
        page.goto("/settings/webhooks/")
        page.get_by_role("textbox", name="Adresă (URL)").fill("https://erp.example/hook")
        page.get_by_role("checkbox", name="toate evenimentele").check()
        page.get_by_role("button", name="Adaugă webhook-ul").click()
        expect(page.get_by_role("textbox", name="Secret")).to_be_visible()  # shown once
        shot("webhooks")

    assert_axe_clean(
        {
            "alerts": alerts,
            "usage": usage,
            "company completion": settings,
            "API tokens": tokens,
            "members": members,
            "webhooks": webhooks,
        },
        page,
    )
