"""Where the original falls short, and what the engine does instead; ANAF's failures."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection

from firmsync.crm.models import Account, Address, Company
from firmsync.crm.services import create_company, update_company
from firmsync.enrichment.models import AddonSettings, Alert, CardHistory, SyncState, UsageEntry
from firmsync.enrichment.services.addon import activate
from firmsync.enrichment.services.cards import link_card
from firmsync.enrichment.services.sync import Engine, sync_cards
from firmsync.registry.store import RegisterStore
from firmsync.sources.anaf.client import AnafClient
from firmsync.sources.anaf.pace import IntervalPace
from firmsync.sources.fake.anaf import FakeAnaf, made_up_record
from firmsync.sources.lookup import Providers
from firmsync.sources.resilience import Backoff

from .conftest import CARDIOFORCE, LEMNLIND, NOW, TRADECENTER, Clock

pytestmark = pytest.mark.django_db


@pytest.fixture
def fake() -> FakeAnaf:
    return FakeAnaf(rate=50.0, filed_years=(2099,))  # no balance sheets: the MF files have them


@pytest.fixture
def live(register: RegisterStore, fake: FakeAnaf, clock: Clock) -> Iterator[Engine]:
    with (
        fake.serve() as server,
        AnafClient(
            server.url, pace=IntervalPace(25.0), timeout=0.5, backoff=Backoff(0.01, 0.02, 2)
        ) as anaf,
    ):
        yield Engine(Providers(register=register, anaf=anaf), "all", None, clock)


def state_of(card: Company) -> SyncState:
    return SyncState.objects.get(company=card)


def test_an_uncertain_name_waits_for_the_user_to_pick(
    account: Account, admin: User, engine: Engine, django_capture_on_commit_callbacks: Any
) -> None:
    activate(account, admin)
    card = create_company(account, name="CARDIO FORCE")  # the register has CARDIOFORCE
    sync_cards([card], engine)
    waiting = state_of(card)
    assert waiting.state == "review"
    assert [c["cui"] for c in waiting.candidates] == [CARDIOFORCE]
    card.refresh_from_db()
    assert card.legal_name == "" and card.cui is None  # nothing written while in review
    with pytest.raises(ValueError, match="not one of the card's candidates"):
        link_card(card, LEMNLIND)
    requested: list[int] = []
    with django_capture_on_commit_callbacks(execute=True):
        link_card(card, CARDIOFORCE, request=lambda card_id: requested.append(card_id) or True)
    assert requested == [card.pk]  # the pick queues the card's sync, once it is saved
    sync_cards([card], engine)
    assert (state_of(card).state, state_of(card).method) == ("synced", "picked")
    card.refresh_from_db()
    assert card.reg_number == "J40/630/1992" and card.status == "insolvency"


def test_an_outage_leaves_the_card_as_it_was_and_costs_nothing(
    account: Account, admin: User, live: Engine, fake: FakeAnaf
) -> None:
    activate(account, admin)
    card = create_company(account, name="Trade", cui_input=TRADECENTER, phone="0722")
    fake.failure_rate, fake.failures = 1.0, ("server_error",)
    sync_cards([card], live)
    state = state_of(card)
    assert state.state == "error" and state.owed_sources == ["anaf"]
    assert "HTTP 503" in state.last_error
    assert not UsageEntry.objects.exists()  # no quota for a failed fetch
    card.refresh_from_db()
    assert card.phone == "0722"  # never blanked
    fake.failure_rate = 0.0
    sync_cards([card], live)
    assert state_of(card).state == "synced" and UsageEntry.objects.count() == 1


def synced_with_phone(
    account: Account, admin: User, live: Engine, fake: FakeAnaf
) -> tuple[dict, Company]:
    """A card synced from the register and an ANAF record that has a phone number."""
    activate(account, admin)
    record = made_up_record(TRADECENTER, "2026-11-28")
    record["date_generale"]["telefon"] = "0240123456"
    fake.records[TRADECENTER] = record
    card = create_company(account, name="Trade", cui_input=TRADECENTER)
    sync_cards([card], live)
    return record, card


def test_anaf_leads_for_status_vat_and_efactura_and_the_register_for_the_rest(
    account: Account, admin: User, live: Engine, fake: FakeAnaf
) -> None:
    record, card = synced_with_phone(account, admin, live, fake)
    card.refresh_from_db()
    assert card.reg_number == "J2022000001360"  # the register's, not the fake's made-up one
    assert card.vat_payer is record["inregistrare_scop_Tva"]["scpTVA"]
    assert card.efactura is record["date_generale"]["statusRO_e_Factura"]
    assert card.phone == "0240123456"
    assert card.provenance.fields["status"]["source"] == "anaf"
    assert card.provenance.fields["turnover"]["source"] == "mf"
    assert fake.stats()["requests"] == 1  # the register has the newest year: no balance sheet


def test_a_users_phone_is_never_overwritten(
    account: Account, admin: User, live: Engine, fake: FakeAnaf
) -> None:
    record, card = synced_with_phone(account, admin, live, fake)
    update_company(card, {"phone": "0744 own number"})  # tracked: the user may edit it
    record["date_generale"]["telefon"] = "0240999999"
    sync_cards([card], live)
    card.refresh_from_db()
    assert card.phone == "0744 own number"


def test_a_status_change_raises_an_alert(
    account: Account, admin: User, live: Engine, fake: FakeAnaf
) -> None:
    activate(account, admin)
    record = made_up_record(TRADECENTER, "2026-11-28")
    fake.records[TRADECENTER] = record
    card = create_company(account, name="Trade", cui_input=TRADECENTER)
    sync_cards([card], live)
    assert not Alert.objects.filter(company=card).exists()  # the first sync is no change
    record["stare_inactiv"]["statusInactivi"] = True
    sync_cards([card], live)
    alert = Alert.objects.get(company=card)
    assert alert.kind == "status" and "inactive" in alert.message
    assert alert.params == {"card": "Trade", "field": "status", "old": "active", "new": "inactive"}


def test_the_cap_pauses_new_companies_until_next_month(
    account: Account, admin: User, engine: Engine
) -> None:
    activate(account, admin)
    AddonSettings.objects.filter(account=account).update(monthly_cap=1)
    first = create_company(account, name="Trade", cui_input=TRADECENTER)
    second = create_company(account, name="Cardio", cui_input=CARDIOFORCE)
    sync_cards([first, second], engine)
    assert (state_of(first).state, state_of(second).state) == ("synced", "quota_paused")
    second.refresh_from_db()
    assert second.legal_name == "" and UsageEntry.objects.count() == 1
    sync_cards([first], engine)  # already counted this month: refreshing it is free
    assert state_of(first).state == "synced"


def test_an_edit_saved_during_a_sync_is_kept(account: Account, admin: User, engine: Engine) -> None:
    activate(account, admin)
    card = create_company(account, name="Trade", cui_input=TRADECENTER)
    stale = Company.objects.get(pk=card.pk)  # what the sync read before the user saved
    update_company(card, {"notes": "call on Monday", "name": "Trade Tulcea"})
    sync_cards([stale], engine)
    card.refresh_from_db()
    assert (card.notes, card.name) == ("call on Monday", "Trade Tulcea")
    assert card.legal_name == "TRADECENTER SRL"
    logged = {field for entry in CardHistory.objects.all() for field in entry.changes}
    assert "legal_name" in logged and not logged & {"notes", "name"}


def test_a_cui_changed_during_a_sync_keeps_the_other_companys_data_out(
    account: Account, admin: User, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[int] = []
    monkeypatch.setattr("firmsync.enrichment.tasks.request_sync", asked.append)
    activate(account, admin)
    card = create_company(account, name="Trade", cui_input=TRADECENTER)
    stale = Company.objects.get(pk=card.pk)  # what the sync resolved: TRADECENTER
    update_company(card, {"cui_input": LEMNLIND})  # the user's correction, meanwhile
    outcome = sync_cards([stale], engine)
    card.refresh_from_db()
    assert card.cui_input == LEMNLIND and card.legal_name == "" and card.locked_fields == []
    assert not SyncState.objects.filter(company=card, state="synced").exists()
    assert not UsageEntry.objects.exists()  # nothing fetched for it is billed either
    assert outcome.moved == [card.pk] and asked == [card.pk]  # synced again, by LEMNLIND
    sync_cards([card], engine)
    card.refresh_from_db()
    assert "LEMNLIND" in card.legal_name


def test_usage_warnings_at_80_and_100_percent_of_the_included_amount(
    account: Account, admin: User, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FIRMSYNC_PRICE_INCLUDED", "4")
    activate(account, admin)
    cuis = [TRADECENTER, CARDIOFORCE, LEMNLIND, "2816464"]
    cards = [create_company(account, name=f"C{i}", cui_input=cui) for i, cui in enumerate(cuis)]
    sync_cards(cards[:2], engine)
    assert not Alert.objects.filter(kind="usage").exists()
    sync_cards(cards[2:3], engine)
    assert list(Alert.objects.filter(kind="usage").values_list("message", flat=True)) == [
        "3 companies this month: 80% of the 4 included"
    ]
    sync_cards(cards, engine)  # the first three again (free), and the fourth
    assert Alert.objects.filter(kind="usage").count() == 2
    assert UsageEntry.objects.count() == 4


def _refuse_addresses_of(card: Company) -> None:
    """The database refuses the card's addresses (a trigger): its sync cannot be written."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "CREATE TRIGGER refuse BEFORE INSERT ON crm_address "
                f"WHEN NEW.company_id = {card.pk} BEGIN SELECT RAISE(ABORT, 'refused'); END"
            )
            return
        cursor.execute(
            "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"IF NEW.company_id = {card.pk} THEN RAISE EXCEPTION 'refused'; END IF; "
            "RETURN NEW; END $$"
        )
        cursor.execute(
            "CREATE TRIGGER refuse BEFORE INSERT ON crm_address "
            "FOR EACH ROW EXECUTE FUNCTION refuse()"
        )


def test_a_card_that_cannot_be_written_loses_only_its_own_sync(
    account: Account, admin: User, engine: Engine
) -> None:
    activate(account, admin)
    good = create_company(account, name="Trade", cui_input=TRADECENTER)
    bad = create_company(account, name="Lemn", cui_input=LEMNLIND)
    _refuse_addresses_of(bad)
    outcome = sync_cards([good, bad], engine)
    assert outcome.states == {good.pk: "synced", bad.pk: "error"} and outcome.metered == 1
    good.refresh_from_db()
    bad.refresh_from_db()
    assert good.legal_name == "TRADECENTER SRL" and Address.objects.filter(company=good).exists()
    assert bad.legal_name == "" and bad.locked_fields == []  # as it was
    assert list(UsageEntry.objects.values_list("cui", flat=True)) == [TRADECENTER]
    failed = state_of(bad)
    assert failed.next_due_at == NOW + datetime.timedelta(minutes=15)
    with connection.cursor() as cursor:
        on = "" if connection.vendor == "sqlite" else " ON crm_address"
        cursor.execute(f"DROP TRIGGER refuse{on}")
    sync_cards([bad], engine)
    assert state_of(bad).state == "synced" and UsageEntry.objects.count() == 2
