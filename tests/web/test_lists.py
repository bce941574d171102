"""Client lists on the web: a CSV or XLSX uploaded, its columns mapped with a preview, each
row's outcome after the import; the list exported as CSV or XLSX. Accounts apart."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from firmsync.crm.models import Company

from .conftest import LEMNLIND, TRADECENTER, Member, browser

pytestmark = pytest.mark.django_db(transaction=True)

CSV = (
    "\ufeffDenumire;Cod fiscal;Județ;Telefon\n"
    f"Trade Center;RO {TRADECENTER};Tulcea;0240 111 222\n"
    f"Trade again;{TRADECENTER};Tulcea;\n"
    "Typo;66815091;Cluj;\n"
    f"Lemn;{LEMNLIND};;\n"
)


def _upload(client, name: str, data: bytes):  # type: ignore[no-untyped-def]
    return client.post("/companies/import/", {"file": SimpleUploadedFile(name, data)})


def test_a_csv_is_mapped_previewed_imported_and_each_row_said(active: Member, bob: Member) -> None:
    client = browser(active, "en")
    read = _upload(client, "clients.csv", CSV.encode())
    assert read.status_code == 302
    mapping = client.get(read["Location"])
    html = mapping.text
    assert '<option value="Denumire" selected>' in html  # guessed from the Romanian header
    assert '<option value="Cod fiscal" selected>' in html
    assert "Rows: 4 · new cards: 2 · duplicates (left out): 1 · invalid: 1" in html
    assert "duplicate of line 2" in html
    # The user maps differently: the preview follows (htmx asks for it alone).
    remapped = client.get(read["Location"], {"map-cui_input": ""}, HTTP_HX_REQUEST="true")
    assert "<html" not in remapped.text and "Rows: 4 · new cards: 4 ·" in remapped.text
    assert browser(bob).get(read["Location"]).status_code == 404  # another account's file
    done = client.post(read["Location"], {"map-name": "Denumire", "map-cui_input": "Cod fiscal"})
    assert done.status_code == 302 and Company.objects.filter(account=active.account).count() == 2
    outcomes = client.get(done["Location"]).text
    assert "Rows: 4 · cards created: 2 · duplicates (left out): 1 · invalid: 1" in outcomes
    assert re.search(r"created — <a href=\"/companies/\d+/\">synced</a>", outcomes)
    assert "invalid: CUI" in outcomes and "duplicate of line 2" in outcomes
    assert "every 3s" not in outcomes  # every card synced: nothing to ask again
    trade = Company.objects.get(account=active.account, cui=TRADECENTER)
    assert trade.legal_name == "TRADECENTER SRL" and trade.phone == "0240 111 222"


def test_the_outcomes_ask_again_only_while_cards_wait_for_their_sync(
    active: Member, bob: Member
) -> None:
    read = _upload(browser(bob, "en"), "clients.csv", CSV.encode())
    done = browser(bob, "en").post(read["Location"])
    off = browser(bob, "en").get(done["Location"]).text  # the add-on is off for Beta
    assert "cards created: 2" in off and "every 3s" not in off
    client = browser(active, "en")
    done = client.post(_upload(client, "clients.csv", CSV.encode())["Location"])
    created = Company.objects.filter(account=active.account)
    for card in created:
        card.sync.delete()  # as just after the import: the worker has not run yet
    waiting = client.get(done["Location"]).text
    assert 'hx-trigger="every 3s"' in waiting and "still syncing" in waiting


def test_an_xlsx_imports_and_a_file_that_is_no_table_is_refused(active: Member) -> None:
    client = browser(active, "en")
    book = Workbook()
    sheet = book.active
    sheet.append(["Company", "VAT"])
    sheet.append(["Trade", int(TRADECENTER)])
    data = io.BytesIO()
    book.save(data)
    read = _upload(client, "clients.xlsx", data.getvalue())
    assert read.status_code == 302
    assert "Rows: 1 · new cards: 1 ·" in client.get(read["Location"]).text
    junk = _upload(client, "clients.xlsx", b"\x00\x01 not a spreadsheet")
    assert junk.status_code == 422 and "cannot be read" in junk.text
    assert _upload(client, "clients.pdf", b"%PDF").status_code == 422


def test_the_list_exports_as_csv_and_xlsx_with_the_accounts_cards_only(
    active: Member, bob: Member
) -> None:
    active.api.post("/companies", {"name": "Trade", "cui_input": TRADECENTER})
    bob.api.post("/companies", {"name": "Beta's own"})
    romanian = b"".join(browser(active, "ro").get("/companies/export/", {"format": "csv"}))
    text = romanian.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("ID;Denumire;CUI")
    assert "TRADECENTER SRL" in text and "Beta's own" not in text
    english = browser(active, "en").get("/companies/export/", {"format": "xlsx", "q": "trade"})
    assert english["Content-Disposition"].endswith('firmsync-companies.xlsx"')
    with zipfile.ZipFile(io.BytesIO(b"".join(english.streaming_content))) as book:
        assert "xl/worksheets/sheet1.xml" in book.namelist()
