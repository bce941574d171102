"""A new card with the register's typeahead, and what a user does on a card page: edit it,
"sync now", pick the right company in review or none of them, the review queue, and the
sync section the page asks for again while the card is being filled."""

from __future__ import annotations

import re

import pytest

from firmsync.crm.models import Company

from .conftest import CARDIOFORCE, TRADECENTER, Member, browser

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_typeahead_offers_the_register_by_name_and_by_cui(active: Member) -> None:
    client = browser(active, "en")
    by_name = client.get("/companies/typeahead/", {"name": "cardio force"}, HTTP_HX_REQUEST="true")
    assert by_name.status_code == 200
    assert f"CUI {CARDIOFORCE}" in by_name.text
    assert re.search(r"<strong>[^<]*CARDIO", by_name.text, re.I)
    picked = re.search(r'href="(/companies/new/\?name=[^"]+)"', by_name.text)
    assert picked is not None
    form = client.get(picked.group(1).replace("&amp;", "&"))
    assert f'value="{CARDIOFORCE}"' in form.text  # the pick fills the CUI box
    by_cui = client.get("/companies/typeahead/", {"name": f"RO {TRADECENTER}"}).text
    assert "TRADECENTER" in by_cui and "The company with this CUI" in by_cui
    assert (
        "No registered company" in client.get("/companies/typeahead/", {"name": "zzqx yyvw"}).text
    )
    assert client.get("/companies/typeahead/", {"name": "6681"}).text.strip() == ""


def test_a_new_card_by_cui_is_filled_and_a_typo_is_refused_naming_the_box(
    active: Member,
) -> None:
    client = browser(active, "en")
    typo = client.post("/companies/new/", {"name": "T", "cui_input": "66815091", "country": "RO"})
    assert typo.status_code == 200 and Company.objects.count() == 0
    assert re.search(r'role="alert">.*its check digit is wrong', typo.text, re.S)
    made = client.post(
        "/companies/new/", {"name": "Trade", "cui_input": TRADECENTER, "country": "ro"}
    )
    assert made.status_code == 302
    card = Company.objects.get()
    assert made["Location"] == f"/companies/{card.pk}/"
    page = client.get(made["Location"]).text
    assert "TRADECENTER SRL" in page and "Sync: synced" in page
    assert card.country == "RO"


def test_editing_the_contact_fields_saves_them_and_a_new_cui_syncs_again(
    active: Member, bob: Member
) -> None:
    client = browser(active, "en")
    client.post("/companies/new/", {"name": "Client", "country": "DE"})
    card = Company.objects.get()
    fields = {"name": "Client GmbH", "country": "DE", "phone": "+49 30 1234", "notes": "VIP"}
    saved = client.post(f"/companies/{card.pk}/edit/", fields)
    assert saved.status_code == 302
    card.refresh_from_db()
    assert (card.name, card.phone, card.notes) == ("Client GmbH", "+49 30 1234", "VIP")
    assert "Saved." in client.get(saved["Location"]).text
    bad = client.post(f"/companies/{card.pk}/edit/", {**fields, "cui_input": "66815091"})
    assert bad.status_code == 422 and "its check digit is wrong" in bad.text
    long = client.post(f"/companies/{card.pk}/edit/", {**fields, "phone": "1" * 61})
    assert long.status_code == 422 and "at most 60 characters" in long.text
    moved = client.post(
        f"/companies/{card.pk}/edit/", {"name": "T", "country": "RO", "cui_input": TRADECENTER}
    )
    assert moved.status_code == 302
    card.refresh_from_db()
    assert card.legal_name == "TRADECENTER SRL"
    # Another account's card: exactly a missing one, and nothing changes.
    other = browser(bob).post(f"/companies/{card.pk}/edit/", {"name": "Mine", "country": "RO"})
    assert other.status_code == 404
    card.refresh_from_db()
    assert card.name == "T"


def test_review_pick_one_or_none_of_these_and_the_queue(active: Member) -> None:
    client = browser(active, "en")
    first = active.api.post("/companies", {"name": "CARDIO FORCE"}).body["id"]
    second = active.api.post("/companies", {"name": "CARDIO FORCE"}).body["id"]
    queue = client.get("/companies/review/").text
    assert "2 cards wait for you" in queue and queue.count("This one") == 2
    client.post(f"/companies/{first}/link/", {"cui": CARDIOFORCE})
    picked = Company.objects.get(pk=first)
    assert picked.cui == CARDIOFORCE and picked.sync.state == "synced"
    refused = client.post(f"/companies/{second}/link/", {"cui": TRADECENTER})
    assert refused.status_code == 302 and Company.objects.get(pk=second).cui is None
    client.post(f"/companies/{second}/reject/")
    none = Company.objects.get(pk=second)
    assert none.cui_input == "x" and none.sync.state == "stopped"
    assert "Nothing to review." in client.get("/companies/review/").text


def test_sync_now_is_queued_or_refused_while_the_addon_is_off(active: Member, bob: Member) -> None:
    client = browser(active, "en")
    card_id = active.api.post("/companies", {"name": "T", "cui_input": TRADECENTER}).body["id"]
    after = client.post(f"/companies/{card_id}/sync/", follow=True)
    assert "being synced again" in after.text
    bob_card = bob.api.post("/companies", {"name": "B", "cui_input": TRADECENTER}).body["id"]
    refused = browser(bob, "en").post(f"/companies/{bob_card}/sync/", follow=True)
    assert "The add-on is off" in refused.text
    assert browser(bob).get(f"/companies/{card_id}/sync/").status_code == 405


def test_the_sync_section_asks_again_until_the_card_is_filled(active: Member) -> None:
    client = browser(active, "en")
    card_id = active.api.post("/companies", {"name": "T", "cui_input": TRADECENTER}).body["id"]
    Company.objects.get(pk=card_id).sync.__class__.objects.filter(company_id=card_id).update(
        state="pending"
    )
    pending = client.get(f"/companies/{card_id}/state/")
    assert 'hx-trigger="every 2s"' in pending.text and "HX-Refresh" not in pending
    client.post(f"/companies/{card_id}/sync/")  # jobs run at once here: synced again
    done = client.get(f"/companies/{card_id}/state/")
    assert done["HX-Refresh"] == "true" and "every 2s" not in done.text
