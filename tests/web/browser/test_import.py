"""A client list brought in through the browser: a 200-row CSV uploaded, its columns
matched with a preview, and every row's outcome shown after the import."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from stdnum.ro import cui

from firmsync.crm.models import Company

from .conftest import CARDIOFORCE, LEMNLIND, TRADECENTER, Member

pytestmark = pytest.mark.django_db(transaction=True)


def _list() -> bytes:
    rows = ["Denumire;CUI;Localitate"]
    rows += [f"Trade;RO {TRADECENTER};Tulcea", f"Lemn;{LEMNLIND};", f"Cardio;{CARDIOFORCE};"]
    valid = cui.calc_check_digit("6681509")
    rows += [f"Greșit {n};6681509{n};" for n in range(10) if str(n) != valid]  # 9 wrong
    rows += [f"Trade again {n};{TRADECENTER};" for n in range(4)]  # duplicates
    rows += [f"Client {n:03d};;Cluj-Napoca" for n in range(184)]  # names alone
    return "\n".join(rows).encode("utf-8")


def test_a_200_row_csv_imports_with_every_rows_outcome(
    page: Page, active: Member, sign_in: Callable[[Member], None], shot: Callable[[str], Path]
) -> None:
    sign_in(active)
    page.goto("/")
    page.get_by_role("link", name="Importă o listă de clienți").click()
    page.get_by_label("Fișier (CSV sau XLSX)").set_input_files(
        files=[{"name": "clienti.csv", "mimeType": "text/csv", "buffer": _list()}]
    )
    page.get_by_role("button", name="Citește fișierul").click()
    expect(page.get_by_label("CUI", exact=True)).to_have_value("CUI")  # guessed
    totals = page.locator(".totals")
    expect(totals).to_have_text("Rânduri: 200 · fișe noi: 187 · duplicate (omise): 4 · invalide: 9")
    shot("import-mapping")
    page.get_by_role("button", name="Importă", exact=True).click()
    expect(page.get_by_role("heading", name="Import încheiat")).to_be_visible()
    expect(page.locator(".totals")).to_contain_text(
        "Rânduri: 200 · fișe create: 187 · duplicate (omise): 4 · invalide: 9"
    )
    outcomes = page.get_by_role("table", name="Rezultatul fiecărui rând").locator("tbody tr")
    expect(outcomes).to_have_count(200)
    trade = outcomes.filter(has_text="Trade").first
    expect(trade).to_contain_text("creată — sincronizată")
    expect(outcomes.filter(has_text="Greșit").first).to_contain_text("invalid: CUI")
    shot("import-done")
    assert Company.objects.filter(account=active.account).count() == 187
