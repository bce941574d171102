"""``/addon``, ``/usage``, ``/statements``, ``/alerts``: the account's own settings, bill and
feed, with the administrators' rules (403 with the reason)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from firmsync.enrichment.models import Alert, UsageEntry, UsageMonth

from .conftest import TRADECENTER, Member, member

pytestmark = pytest.mark.django_db(transaction=True)


def test_addon_settings_activation_and_who_may_change_them(
    configured: object, ana: Member, ion: Member
) -> None:
    shown = ana.api.get("/addon").body
    assert (
        shown["active"] is False
        and shown["refresh_days"] == 30
        and shown["plan"] == ("professional")
    )
    refused = ion.api.put("/addon", {"active": True})
    assert refused.status_code == 403 and "not an administrator" in refused.body["error"]["message"]
    on = ana.api.put("/addon", {"active": True, "refresh_days": 7, "monthly_cap": 100})
    assert on.status_code == 200, on.body
    assert (on.body["active"], on.body["refresh_days"], on.body["monthly_cap"]) == (True, 7, 100)
    uncapped = ana.api.put("/addon", {"monthly_cap": None})
    assert uncapped.body["monthly_cap"] is None and uncapped.body["refresh_days"] == 7
    out_of_range = ana.api.put("/addon", {"refresh_days": 31})
    assert out_of_range.status_code == 422
    assert out_of_range.body["error"]["field"] == "refresh_days"
    assert ion.api.get("/addon").status_code == 200  # members may look


def test_deactivation_needs_confirm_and_otherwise_shows_the_preview(
    configured: object, ana: Member
) -> None:
    ana.api.put("/addon", {"active": True})
    card_id = ana.api.post("/companies", {"name": "T", "cui_input": TRADECENTER}).body["id"]
    asked = ana.api.put("/addon", {"active": False})
    assert asked.status_code == 409
    assert asked.body["error"]["code"] == "confirm_required"
    assert asked.body["error"]["field"] == "confirm"
    assert asked.body["preview"]["cards"] == 1 and asked.body["preview"]["addresses"] == 1
    assert ana.api.get("/addon").body["active"] is True  # nothing changed
    done = ana.api.put("/addon", {"active": False, "confirm": True})
    assert done.status_code == 200 and done.body["active"] is False
    card = ana.api.get(f"/companies/{card_id}").body
    assert card["legal_name"] == "" and card["locked_fields"] == []


def test_activation_on_the_standard_plan_is_403_with_the_reason(db: None) -> None:
    small = member("Mic", "mia@mic.ro", plan="standard")
    refused = small.api.put("/addon", {"active": True})
    assert refused.status_code == 403
    assert "Professional plan" in refused.body["error"]["message"]
    assert small.api.get("/addon").body["plan"] == "standard"


def test_usage_and_statements(configured: object, ana: Member) -> None:
    ana.api.put("/addon", {"active": True})
    ana.api.post("/companies", {"name": "T", "cui_input": TRADECENTER})
    month = UsageEntry.objects.get().month
    usage = ana.api.get("/usage", month=month)
    assert usage.status_code == 200
    assert usage.body["companies"] == 1 and Decimal(usage.body["total"]) == Decimal("5.9")
    assert usage.body["final"] is False
    UsageMonth.objects.create(account=ana.account, month="2026-01", companies=0)
    assert [s["month"] for s in ana.api.get("/statements").body["items"]] == [month, "2026-01"]
    bad = ana.api.get("/usage", month="2026-13")
    assert bad.status_code == 422 and bad.body["error"]["field"] == "month"


def test_alerts_list_newest_first_and_are_marked_read(ana: Member) -> None:
    for i in range(3):
        Alert.objects.create(account=ana.account, kind="status", message=f"change {i}")
    listed = ana.api.get("/alerts", limit=2).body
    assert [a["message"] for a in listed["items"]] == ["change 2", "change 1"]
    rest = ana.api.get("/alerts", cursor=listed["next_cursor"]).body
    assert [a["message"] for a in rest["items"]] == ["change 0"]
    first = listed["items"][0]["id"]
    read = ana.api.post(f"/alerts/{first}/read")
    assert read.status_code == 200 and read.body["read"] is True
    assert len(ana.api.get("/alerts", unread=True).body["items"]) == 2
    assert ana.api.post("/alerts/read").body == {"marked": 2}
    assert ana.api.get("/alerts", unread=True).body["items"] == []
    assert ana.api.post("/alerts/999999/read").status_code == 404
