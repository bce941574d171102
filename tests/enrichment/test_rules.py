"""One scenario per rule R1–R12 of the original add-on, through the services."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import User

from firmsync.crm.models import Account, Address, Company, Membership
from firmsync.crm.services import LockedField, add_address, create_company, update_company
from firmsync.enrichment.models import (
    AddonSettings,
    CardHistory,
    FinancialYear,
    Representative,
    SyncState,
    UsageEntry,
    UsageMonth,
)
from firmsync.enrichment.services.addon import NotAllowed, activate, deactivate, removal_preview
from firmsync.enrichment.services.sync import Engine, due_cards, next_due, sync_cards
from firmsync.enrichment.services.usage import Prices, close_months, statement

from .conftest import CARDIOFORCE, LEMNLIND, NOW, TRADECENTER, Clock

pytestmark = pytest.mark.django_db


def state_of(card: Company) -> str:
    return SyncState.objects.get(company=card).state


def test_r1_only_an_admin_on_professional_switches_it(account: Account, admin: User) -> None:
    member = User.objects.create_user("ion@acme.ro")
    Membership.objects.create(account=account, user=member, role=Membership.Role.MEMBER)
    with pytest.raises(NotAllowed, match="not an administrator"):
        activate(account, member)
    standard = Account.objects.create(name="Mic", plan=Account.Plan.STANDARD)
    Membership.objects.create(account=standard, user=admin, role=Membership.Role.ADMIN)
    with pytest.raises(NotAllowed, match="needs the Professional plan"):
        activate(standard, admin)
    assert activate(account, admin).active
    with pytest.raises(NotAllowed, match="not an administrator"):
        deactivate(account, member)


def test_r2_activation_syncs_existing_cards_and_new_ones_sync_by_themselves(
    account: Account, admin: User, engine: Engine
) -> None:
    before = create_company(account, name="Trade", cui_input=TRADECENTER)
    assert sync_cards([before], engine).states == {}  # not active yet: nothing happens
    activate(account, admin)
    sync_cards(due_cards(engine.now()), engine)
    assert state_of(before) == "synced"
    after = create_company(account, name="Lemn", cui_input=LEMNLIND)
    assert [c.pk for c in due_cards(engine.now())] == [after.pk]
    sync_cards(due_cards(engine.now()), engine)
    assert state_of(after) == "synced" and due_cards(engine.now()) == []


def test_r3_by_cui_when_there_is_one_else_by_name(
    account: Account, admin: User, engine: Engine
) -> None:
    activate(account, admin)
    by_cui = create_company(account, name="whatever", cui_input=f"RO {TRADECENTER}")
    by_name = create_company(account, name="LEMNLIND SRL", county="Cluj")
    sync_cards([by_cui, by_name], engine)
    assert SyncState.objects.get(company=by_cui).method == "cui"
    linked = SyncState.objects.get(company=by_name)
    assert (linked.method, linked.state) == ("name", "synced")
    by_name.refresh_from_db()
    assert by_name.cui == LEMNLIND and by_name.reg_number == "J12/2/2001"


def test_r4_the_right_cui_relinks_and_the_wrong_data_goes(
    account: Account, admin: User, engine: Engine
) -> None:
    activate(account, admin)
    card = create_company(account, name="Trade", cui_input=TRADECENTER)
    sync_cards([card], engine)
    assert FinancialYear.objects.filter(company=card).count() == 2
    update_company(card, {"cui_input": LEMNLIND})
    sync_cards([card], engine)
    card.refresh_from_db()
    assert card.reg_number == "J12/2/2001" and card.legal_name == '"LEMNLIND" SRL'
    assert not FinancialYear.objects.filter(company=card).exists()  # TRADECENTER's years
    assert not Representative.objects.filter(company=card).exists()
    assert card.turnover is None  # LEMNLIND has no figures: none of TRADECENTER's remain
    update_company(card, {"cui_input": "1590082"})  # valid, but not in this register
    sync_cards([card], engine)
    card.refresh_from_db()
    assert state_of(card) == "not_found" and card.reg_number == "" and card.locked_fields == []


def test_r5_an_invalid_cui_stops_and_gives_the_users_values_back(
    account: Account, admin: User, engine: Engine
) -> None:
    activate(account, admin)
    card = create_company(account, name="Trade", cui_input=TRADECENTER, legal_name="Trade SRL")
    sync_cards([card], engine)
    update_company(card, {"cui_input": "x"})
    sync_cards([card], engine)
    card.refresh_from_db()
    assert state_of(card) == "stopped"
    assert card.legal_name == "Trade SRL" and card.reg_number == "" and card.locked_fields == []
    assert not Address.objects.filter(company=card).exists()


def test_years_and_administrators_are_written_once_however_often_the_card_syncs(
    account: Account, admin: User, engine: Engine
) -> None:
    activate(account, admin)
    card = create_company(account, name="Trade", cui_input=TRADECENTER)
    sync_cards([card], engine)
    sync_cards([card], engine)  # a refresh: read again, not written again
    update_company(card, {"cui_input": "x"})
    sync_cards([card], engine)  # opted out: they go with the rest of the provider data
    assert not Representative.objects.filter(company=card).exists()
    update_company(card, {"cui_input": TRADECENTER})
    sync_cards([card], engine)  # back: once
    assert FinancialYear.objects.filter(company=card).count() == 2
    assert Representative.objects.filter(company=card).count() == 1


def test_r6_foreign_companies_are_left_alone(account: Account, admin: User, engine: Engine) -> None:
    activate(account, admin)
    card = create_company(account, name="Siemens AG", country="DE", cui_input=TRADECENTER)
    sync_cards([card], engine)
    card.refresh_from_db()
    assert state_of(card) == "foreign" and card.legal_name == "" and card.locked_fields == []


def test_r7_what_a_card_gets(account: Account, admin: User, engine: Engine) -> None:
    activate(account, admin)
    card = create_company(account, name="Trade", cui_input=TRADECENTER)
    sync_cards([card], engine)
    card.refresh_from_db()
    assert (card.legal_name, card.reg_number, card.legal_form, card.status) == (
        "TRADECENTER SRL",
        "J2022000001360",
        "SRL",
        "active",
    )
    assert card.founded_on == datetime.date(2022, 10, 28) and card.caen_code == "4120"
    assert (card.financial_year, card.turnover, card.employees) == (2025, 1200, 9)
    assert [f.year for f in FinancialYear.objects.filter(company=card)] == [2025, 2024]
    office = Address.objects.get(company=card)
    assert (office.kind, office.origin, office.street) == (
        "registered_office",
        "provider",
        "Calea AVRAM",
    )
    assert list(Representative.objects.filter(company=card).values_list("name", "role")) == [
        ("IONESCU MARIA", "ADMINISTRATOR")
    ]


def test_r8_provider_values_overwrite_and_the_old_ones_are_kept(
    account: Account, admin: User, engine: Engine
) -> None:
    activate(account, admin)
    card = create_company(account, name="T", cui_input=TRADECENTER, legal_name="Tradecentr")
    sync_cards([card], engine)
    card.refresh_from_db()
    assert card.legal_name == "TRADECENTER SRL"
    kept = CardHistory.objects.get(company=card)  # one entry for the whole sync
    assert kept.actor == "addon" and kept.changes["legal_name"] == ["Tradecentr", "TRADECENTER SRL"]
    assert kept.changes["turnover"] == [None, card.turnover]


def test_r9_important_fields_are_read_only_name_and_cui_are_not(
    account: Account, admin: User, engine: Engine
) -> None:
    activate(account, admin)
    card = create_company(account, name="Trade", cui_input=TRADECENTER)
    sync_cards([card], engine)
    for field, value in (("turnover", 1), ("employees", 1), ("caen_code", "0111")):
        with pytest.raises(LockedField, match=field):
            update_company(card, {field: value})
    assert update_company(card, {"name": "Tradecenter Tulcea"}) == ["name"]
    assert update_company(card, {"notes": "good client"}) == ["notes"]


def test_r10_refreshed_at_most_refresh_days_apart(
    account: Account, admin: User, engine: Engine, clock: Clock
) -> None:
    activate(account, admin)
    AddonSettings.objects.filter(account=account).update(refresh_days=7)
    cards = [create_company(account, name=f"T{i}", cui_input=TRADECENTER) for i in range(20)]
    sync_cards(cards, engine)
    dues = [SyncState.objects.get(company=c).next_due_at for c in cards]
    assert all(NOW < due <= NOW + datetime.timedelta(days=7) for due in dues)
    assert len({due.date() for due in dues}) >= 5  # spread over the week, not bunched
    # Never again right after its sync: the soonest is a tenth of the interval, and the
    # cards whose phase came sooner are spread too.
    assert min(dues) >= NOW + datetime.timedelta(days=0.7)
    soonest = [next_due(pk, 7, NOW) for pk in range(1, 2_001)]
    assert min(soonest) >= NOW + datetime.timedelta(days=0.7)
    assert max(soonest) <= NOW + datetime.timedelta(days=7)
    put_off = [due for due in soonest if due < NOW + datetime.timedelta(days=1.4)]
    assert len(set(put_off)) == len(put_off) > 100  # not bunched on one moment
    clock.now = NOW + datetime.timedelta(days=7, seconds=1)
    assert len(due_cards(clock.now)) == 20


def test_r11_price_and_metering(
    account: Account, admin: User, engine: Engine, clock: Clock
) -> None:
    activate(account, admin)
    card = create_company(account, name="Trade", cui_input=TRADECENTER)
    sync_cards([card], engine)
    sync_cards([card], engine)  # the same month: counted once
    assert UsageEntry.objects.filter(account=account).count() == 1
    clock.now = datetime.datetime(2026, 11, 30, 22, 30, tzinfo=datetime.UTC)  # December here
    sync_cards([card], engine)
    assert list(UsageEntry.objects.values_list("month", flat=True).order_by("month")) == [
        "2026-11",
        "2026-12",
    ]
    UsageEntry.objects.bulk_create(
        UsageEntry(account=account, month="2026-10", cui=str(n)) for n in range(2003)
    )
    bill = statement(account, "2026-10", Prices())
    assert (bill.companies, bill.overage_companies) == (2003, 3)
    assert bill.total == Decimal("5.9") + Decimal("0.009")


def test_r11_a_closed_month_keeps_its_prices(
    account: Account, admin: User, engine: Engine, clock: Clock
) -> None:
    activate(account, admin)
    cards = [create_company(account, name=c, cui_input=c) for c in (TRADECENTER, CARDIOFORCE)]
    sync_cards(cards, engine)  # November, Bucharest time
    november = Prices(Decimal("5.9"), 1, Decimal("0.003"))
    assert close_months(clock.now, november) == 0  # November is not over
    assert not statement(account, "2026-11", november).final
    clock.now = datetime.datetime(2026, 12, 1, 8, tzinfo=datetime.UTC)
    assert close_months(clock.now, november) == 1
    assert close_months(clock.now, november) == 0  # closed once
    dearer = Prices(Decimal("9.9"), 1, Decimal("0.01"))
    bill = statement(account, "2026-11", dearer)
    assert bill.final and (bill.companies, bill.base, bill.overage) == (
        2,
        Decimal("5.9"),
        Decimal("0.003"),
    )
    assert UsageMonth.objects.get(account=account, month="2026-11").companies == 2
    assert statement(account, "2026-12", dearer).base == Decimal("9.9")  # still open


def test_r12_deactivation_removes_the_provider_data(
    account: Account, admin: User, engine: Engine
) -> None:
    activate(account, admin)
    card = create_company(account, name="Trade", cui_input=TRADECENTER, legal_name="Mine")
    other = create_company(account, name="Cardio", cui_input=CARDIOFORCE)
    sync_cards([card, other], engine)
    preview = removal_preview(account)
    assert (preview.cards, preview.addresses, preview.financial_years) == (2, 2, 3)
    assert deactivate(account, admin) == preview
    card.refresh_from_db()
    assert card.legal_name == "Mine" and card.locked_fields == [] and card.turnover is None
    assert not Address.objects.filter(company__account=account).exists()
    assert not FinancialYear.objects.exists() and not SyncState.objects.exists()
    assert UsageEntry.objects.filter(account=account).count() == 2  # the bill stays
    assert not AddonSettings.objects.get(account=account).active


def test_addresses_never_twice(account: Account, admin: User, engine: Engine) -> None:
    activate(account, admin)
    card = create_company(account, name="Trade", cui_input=TRADECENTER)
    # The user typed the registered office already, the postal code in another field.
    add_address(
        card,
        street="Calea Avram",
        number="nr. 121",
        locality="TULCEA",
        county="Tulcea",
        details="828889",
    )
    sync_cards([card], engine)
    sync_cards([card], engine)
    addresses = Address.objects.filter(company=card)
    assert addresses.count() == 1 and addresses.get().origin == "provider"
    again = add_address(
        card, street="CALEA AVRAM 121", locality="Tulcea", postal_code="828889", county="Tulcea"
    )
    assert Address.objects.filter(company=card).count() == 1 and again.origin == "provider"
    deactivate(account, admin)
    restored = Address.objects.get(company=card)  # the user's own comes back
    assert (restored.origin, restored.details) == ("user", "828889")
    folded = CardHistory.objects.get(company=card, actor="addon", changes__has_key="address")
    assert folded.changes["address"][1] == {"restored": True}  # never brought back twice
    (back,) = CardHistory.objects.get(company=card, actor="restore").changes["address"][1]
    assert back["details"] == "828889"


def test_a_second_sync_changes_nothing(account: Account, admin: User, engine: Engine) -> None:
    activate(account, admin)
    card = create_company(account, name="Trade", cui_input=TRADECENTER)
    sync_cards([card], engine)
    history = CardHistory.objects.count()
    card.refresh_from_db()
    updated = card.updated_at
    sync_cards([card], engine)
    card.refresh_from_db()
    assert CardHistory.objects.count() == history and card.updated_at == updated
