"""``/api/v1/companies``: every endpoint over HTTP, with the add-on syncing from the test
register in the request's own process (jobs run at once)."""

from __future__ import annotations

import pytest

from firmsync.crm.errors import NotFound
from firmsync.crm.models import Company
from firmsync.enrichment.models import CardHistory
from firmsync.enrichment.selectors import card_read, card_view
from firmsync.identity import cnp

from ..registry.snapshot import CNP
from .conftest import CARDIOFORCE, LEMNLIND, TRADECENTER, Member

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def active(configured: object, ana: Member) -> Member:
    assert ana.api.put("/addon", {"active": True}).status_code == 200
    return ana


def test_create_syncs_the_card_and_get_shows_locks_with_source_and_date(active: Member) -> None:
    made = active.api.post("/companies", {"name": "Trade", "cui_input": f"RO {TRADECENTER}"})
    assert made.status_code == 201, made.body
    card = active.api.get(f"/companies/{made.body['id']}").body
    assert card["cui"] == TRADECENTER and card["legal_name"] == "TRADECENTER SRL"
    assert card["sync"]["state"] == "synced" and "legal_name" in card["locked_fields"]
    assert card["provenance"]["legal_name"]["source"] == "register"
    assert card["provenance"]["legal_name"]["as_of"] == "2026-09-02"
    assert any(a["kind"] == "registered_office" for a in card["addresses"])
    assert all(set(r) == {"name", "role"} for r in card["representatives"])


def test_the_api_reads_a_card_as_every_other_surface_shows_it(active: Member, bob: Member) -> None:
    synced = active.api.post("/companies", {"name": "Trade", "cui_input": TRADECENTER})
    foreign = active.api.post("/companies", {"name": "Gmbh", "country": "DE"})
    card = Company.objects.get(pk=synced.body["id"])
    assert card.addresses.exists() and card.financial_years.exists()
    assert card.representatives.exists()
    for made in (synced, foreign):
        card = Company.objects.get(pk=made.body["id"])
        assert card_read(card.pk, account=active.account) == card_view(card)
        with pytest.raises(NotFound):
            card_read(card.pk, account=bob.account)
    bob.api.put("/addon", {"active": False, "confirm": True})
    never = bob.api.post("/companies", {"name": "Never synced"}).body
    card = Company.objects.get(pk=never["id"])
    assert card_read(card.pk, account=bob.account) == card_view(card) == never
    assert never["sync"] is None and never["provenance"] == {}


def test_a_locked_field_is_409_naming_it_and_a_typo_in_the_cui_is_422(active: Member) -> None:
    card_id = active.api.post("/companies", {"name": "T", "cui_input": TRADECENTER}).body["id"]
    locked = active.api.patch(f"/companies/{card_id}", {"legal_name": "Other SRL"})
    assert locked.status_code == 409
    assert locked.body["error"]["code"] == "locked"
    assert locked.body["error"]["field"] == "legal_name"
    typo = active.api.post("/companies", {"name": "T", "cui_input": "66815091"})
    assert typo.status_code == 422 and typo.body["error"]["field"] == "cui_input"
    assert "x" in typo.body["error"]["message"]
    missing = active.api.post("/companies", {"cui_input": TRADECENTER})
    assert missing.status_code == 422 and missing.body["error"]["field"] == "name"
    renamed = active.api.patch(f"/companies/{card_id}", {"name": "Trade Center", "phone": "021"})
    assert renamed.status_code == 200 and renamed.body["name"] == "Trade Center"
    assert Company.objects.get(pk=card_id).phone == "021"


def test_list_filters_and_walks_pages_by_cursor(active: Member) -> None:
    for i in range(5):
        active.api.post("/companies", {"name": f"Client {i}", "country": "DE"})
    active.api.post("/companies", {"name": "Trade", "cui_input": TRADECENTER})
    seen, cursor = [], None
    while True:
        page = active.api.get("/companies", limit=2, cursor=cursor).body
        seen += [c["id"] for c in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == 6 and seen == sorted(seen)
    foreign = active.api.get("/companies", state="foreign").body["items"]
    assert len(foreign) == 5
    synced = active.api.get("/companies", state="synced", county="Tulcea").body["items"]
    assert [c["name"] for c in synced] == ["Trade"]
    assert [c["name"] for c in active.api.get("/companies", q="tradecenter").body["items"]] == [
        "Trade"
    ]
    assert active.api.get("/companies", q=f"RO{TRADECENTER[:4]}").body["items"][0]["cui"]
    bad = active.api.get("/companies", cursor="nonsense!")
    assert bad.status_code == 422 and bad.body["error"]["field"] == "cursor"
    assert active.api.get("/companies", state="asleep").body["error"]["field"] == "state"


def test_bulk_creates_each_row_or_says_why_not(active: Member) -> None:
    rows = [
        {"name": "Trade", "cui_input": TRADECENTER},
        {"name": "Typo", "cui_input": "66815091"},
        {"name": "Lemn", "cui_input": LEMNLIND},
        {"name": "Opted out", "cui_input": "x"},
    ]
    answer = active.api.post("/companies/bulk", {"companies": rows})
    assert answer.status_code == 200, answer.body
    assert (answer.body["created"], answer.body["invalid"]) == (3, 1)
    outcomes = [(r["index"], r["outcome"]) for r in answer.body["results"]]
    assert outcomes == [(0, "created"), (1, "invalid"), (2, "created"), (3, "created")]
    assert answer.body["results"][1]["error"]["field"] == "cui_input"
    states = {
        c["name"]: c["sync_state"] for c in active.api.get("/companies").body["items"]
    }  # the syncs were queued once the rows were in (and ran at once here)
    assert states == {"Trade": "synced", "Lemn": "synced", "Opted out": "stopped"}
    too_many = active.api.post("/companies/bulk", {"companies": [{"name": "x"}] * 1001})
    assert too_many.status_code == 422 and too_many.body["error"]["field"] == "companies"
    assert Company.objects.count() == 3


def test_a_personal_code_in_a_bulk_row_is_masked_in_its_error(active: Member) -> None:
    rows = [{"name": "Popescu Ion PFA", "cui_input": CNP}]
    answer = active.api.post("/companies/bulk", {"companies": rows})
    error = answer.body["results"][0]["error"]
    assert error["field"] == "cui_input" and cnp.mask(CNP) in error["message"]
    assert CNP not in answer.content.decode()


def test_review_candidates_link_sync_and_history(active: Member) -> None:
    card_id = active.api.post("/companies", {"name": "CARDIO FORCE"}).body["id"]
    assert active.api.get(f"/companies/{card_id}").body["sync"]["state"] == "review"
    candidates = active.api.get(f"/companies/{card_id}/candidates").body["items"]
    assert [c["cui"] for c in candidates] == [CARDIOFORCE]
    wrong = active.api.post(f"/companies/{card_id}/link", {"cui": TRADECENTER})
    assert wrong.status_code == 422 and wrong.body["error"]["field"] == "cui"
    linked = active.api.post(f"/companies/{card_id}/link", {"cui": CARDIOFORCE})
    assert linked.status_code == 200, linked.body
    card = active.api.get(f"/companies/{card_id}").body
    assert card["cui"] == CARDIOFORCE and card["sync"]["state"] == "synced"
    assert card["sync"]["method"] == "picked"
    now = active.api.post(f"/companies/{card_id}/sync")
    assert now.status_code == 202 and now.body == {"queued": True}
    relinked = active.api.patch(f"/companies/{card_id}", {"cui_input": LEMNLIND})
    assert relinked.status_code == 200 and relinked.body["cui"] == LEMNLIND
    assert "LEMNLIND" in active.api.get(f"/companies/{card_id}").body["legal_name"]
    entries, cursor = [], None
    while True:
        page = active.api.get(f"/companies/{card_id}/history", limit=1, cursor=cursor).body
        assert len(page["items"]) == 1
        entries += page["items"]
        if (cursor := page["next_cursor"]) is None:
            break
    assert len(entries) == CardHistory.objects.filter(company_id=card_id).count() >= 2
    assert [e["id"] for e in entries] == sorted((e["id"] for e in entries), reverse=True)
    assert entries[-1]["changes"]["legal_name"][1].endswith("CARDIOFORCE SRL")
    assert all(e["actor"] in ("addon", "user", "restore") for e in entries)


def test_delete_and_sync_when_the_addon_is_off(configured: object, ana: Member) -> None:
    card_id = ana.api.post("/companies", {"name": "Trade", "cui_input": TRADECENTER}).body["id"]
    assert ana.api.get(f"/companies/{card_id}").body["sync"] is None  # the add-on is off
    off = ana.api.post(f"/companies/{card_id}/sync")
    assert off.status_code == 409 and off.body["error"]["code"] == "addon_inactive"
    gone = ana.api.delete(f"/companies/{card_id}")
    assert gone.status_code == 204
    again = ana.api.get(f"/companies/{card_id}")
    assert again.status_code == 404 and again.body["error"]["code"] == "not_found"
