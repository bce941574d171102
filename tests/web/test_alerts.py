"""The alert feed: each alert said in the user's language from its values, newest first,
the account's own only; marking one or all read."""

from __future__ import annotations

import pytest

from firmsync.enrichment.models import Alert

from .conftest import Member, add_card, browser

pytestmark = pytest.mark.django_db(transaction=True)


def _alerts(member: Member) -> list[Alert]:
    status = {"card": "Trade", "field": "status", "old": "active", "new": "insolvency"}
    usage = {"companies": 1600, "share": 80, "included": 2000}
    return [
        Alert.objects.create(account=member.account, kind="status", message="x", params=status),
        Alert.objects.create(account=member.account, kind="usage", message="y", params=usage),
        Alert.objects.create(account=member.account, kind="status", message="kept as it was"),
    ]


def test_alerts_are_said_in_the_users_language_newest_first(ana: Member, bob: Member) -> None:
    _alerts(ana)
    Alert.objects.create(account=bob.account, kind="usage", message="Beta's own")
    english = browser(ana, "en").get("/alerts/").text
    said = ["kept as it was", "1600 companies this month: 80% of the 2000 included"]
    said.append("Trade: status changed from active to insolvency")
    positions = [english.index(text) for text in said]
    assert positions == sorted(positions) and "Beta's own" not in english
    romanian = browser(ana, "ro").get("/alerts/").text
    assert "Trade: stare schimbată: activă → în insolvență" in romanian


def test_marking_one_or_every_alert_read(ana: Member, bob: Member) -> None:
    first, *_ = _alerts(ana)
    client = browser(ana, "en")
    client.post(f"/alerts/{first.pk}/read/")
    first.refresh_from_db()
    assert first.read and client.get("/alerts/", {"unread": "1"}).text.count("Mark read") == 2
    theirs = Alert.objects.create(account=bob.account, kind="usage", message="b")
    client.post(f"/alerts/{theirs.pk}/read/")  # another account's: nothing happens
    theirs.refresh_from_db()
    assert not theirs.read
    client.post("/alerts/read/")
    assert not Alert.objects.filter(account=ana.account, read=False).exists()
    assert "No alerts." in client.get("/alerts/", {"unread": "1"}).text


def test_a_card_shows_its_own_alerts(ana: Member) -> None:
    card = add_card(ana, "Trade")
    other = add_card(ana, "Other")
    status = {"card": "Trade", "field": "status", "old": "active", "new": "insolvency"}
    Alert.objects.create(
        account=ana.account, company_id=card, kind="status", message="x", params=status
    )
    Alert.objects.create(account=ana.account, company_id=other, kind="address", message="y")
    page = browser(ana, "en").get(f"/companies/{card}/").text
    assert "Trade: status changed from active to insolvency" in page and "<p>y</p>" not in page
    others = browser(ana, "en").get(f"/companies/{other}/").text
    assert "<p>y</p>" in others and "status changed" not in others
    assert "No alerts." in browser(ana, "en").get(f"/companies/{add_card(ana, 'New')}/").text
