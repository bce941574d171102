"""Settings → System → Company completion: only an administrator on the Professional plan
switches it, on only after the warnings, off only after the preview of what goes."""

from __future__ import annotations

import pytest

from firmsync.crm.models import Company
from firmsync.enrichment.models import AddonSettings, SyncState

from ..api.conftest import member
from .conftest import TRADECENTER, Member, browser

pytestmark = pytest.mark.django_db(transaction=True)

PAGE = "/settings/company-completion/"


def _active(member: Member) -> bool:
    return AddonSettings.objects.filter(account=member.account, active=True).exists()


def test_a_member_or_a_standard_plan_sees_the_state_but_no_switch(ana: Member, ion: Member) -> None:
    page = browser(ion, "en").get(PAGE).text
    assert "Off" in page and "Only an administrator" in page
    assert "Switch on" not in page and 'name="refresh_days"' not in page
    refused = browser(ion, "en").post(f"{PAGE}switch/", {"active": "on", "understood": "yes"})
    assert refused.status_code == 302 and not _active(ion)
    standard = member("Gamma", "gil@gamma.ro", plan="standard")
    page = browser(standard, "en").get(PAGE).text
    assert "needs the Professional plan" in page and "Switch on" not in page


def test_switching_on_needs_the_warnings_read_then_fills_the_cards(
    configured: object, ana: Member
) -> None:
    client = browser(ana, "en")
    card_id = ana.api.post("/companies", {"name": "T", "cui_input": TRADECENTER}).body["id"]
    page = client.get(PAGE).text
    assert "will be overwritten" in page and "become read-only" in page
    unread = client.post(f"{PAGE}switch/", {"active": "on"}, follow=True)
    assert "Tick the box" in unread.text and not _active(ana)
    client.post(f"{PAGE}switch/", {"active": "on", "understood": "yes"})
    assert _active(ana)
    assert Company.objects.get(pk=card_id).legal_name == "TRADECENTER SRL"  # the backfill ran
    assert "The card was filled" in client.get(PAGE).text


def test_switching_off_shows_what_goes_first_and_removes_it_once_confirmed(
    configured: object, ana: Member
) -> None:
    client = browser(ana, "en")
    client.post(f"{PAGE}switch/", {"active": "on", "understood": "yes"})
    card_id = ana.api.post("/companies", {"name": "T", "cui_input": TRADECENTER}).body["id"]
    preview = client.post(f"{PAGE}switch/", {"active": "off"})
    assert preview.status_code == 200
    assert "the official data of 1 card" in preview.text and "financial year" in preview.text
    assert _active(ana) and Company.objects.get(pk=card_id).legal_name  # nothing changed yet
    client.post(f"{PAGE}switch/", {"active": "off", "confirm": "yes"})
    card = Company.objects.get(pk=card_id)
    assert not _active(ana) and card.legal_name == "" and card.locked_fields == []


def test_settings_are_checked_and_saved(ana: Member) -> None:
    client = browser(ana, "en")
    wrong = client.post(f"{PAGE}settings/", {"refresh_days": "0", "monthly_cap": ""})
    assert wrong.status_code == 422 and 'role="alert"' in wrong.text
    client.post(f"{PAGE}settings/", {"refresh_days": "7", "monthly_cap": "500", "overage": "on"})
    saved = AddonSettings.objects.get(account=ana.account)
    assert (saved.refresh_days, saved.monthly_cap, saved.overage) == (7, 500, True)
    client.post(f"{PAGE}settings/", {"refresh_days": "7", "monthly_cap": ""})
    saved.refresh_from_db()
    assert saved.monthly_cap is None and saved.overage is False


def test_the_backfill_shows_its_progress_until_done(ana: Member) -> None:
    """Counted from the cards: those synced (by whichever job) of those the backfill had."""
    AddonSettings.objects.create(account=ana.account, active=True, backfill_total=10)
    cards = [Company.objects.create(account=ana.account, name=f"Firma {n}") for n in range(10)]
    SyncState.objects.bulk_create(
        [SyncState(company=card, state=SyncState.State.SYNCED) for card in cards[:3]]
        + [SyncState(company=cards[3], state=SyncState.State.NO_MATCH)]
        + [SyncState(company=cards[4], state=SyncState.State.PENDING)]
    )
    client = browser(ana, "en")
    running = client.get(f"{PAGE}progress/").text
    assert 'hx-trigger="every 2s"' in running and 'value="4"' in running and "4 of 10" in running
    SyncState.objects.filter(company__in=cards).update(state=SyncState.State.SYNCED)
    SyncState.objects.bulk_create(
        [SyncState(company=card, state=SyncState.State.SYNCED) for card in cards[5:]]
    )
    done = client.get(f"{PAGE}progress/").text
    assert "every 2s" not in done and "All 10 cards" in done
