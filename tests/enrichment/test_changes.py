"""Changes reach the cards: after a newer snapshot is imported, exactly the cards synced to
companies whose facts changed become due, the sweep syncs them, and a client struck off
raises its alert. A small sample of the fake portal's two snapshots, on the register alone."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from firmsync.crm.models import Account, Company
from firmsync.enrichment import tasks
from firmsync.enrichment.engine import configured_engine
from firmsync.enrichment.models import Alert, SyncState
from firmsync.enrichment.services.addon import activate
from firmsync.enrichment.services.cards import create_card
from firmsync.enrichment.services.changes import cards_due_after_import
from firmsync.enrichment.services.refresh import sync_due
from firmsync.enrichment.services.register import _store, register_import
from firmsync.enrichment.services.sync import due_card_ids
from firmsync.sources.fake.portal import make_portal_sample

FIRST = ("firme-02-11-2026", "nomenclatoare-02-11-2026", "situatii_financiare_2024")
SECOND = ("firme-02-12-2026", "nomenclatoare-02-12-2026")


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, list[str]]]:
    root = tmp_path_factory.mktemp("portal")
    return root, make_portal_sample(root, companies=300, seed=5)


@pytest.fixture
def on_first(
    register_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    portal: tuple[Path, Any],
) -> dict[str, str]:
    """The deployment's register on snapshot 1, synced from it alone; register number →
    CUI."""
    monkeypatch.setenv("FIRMSYNC_REGISTER_URL", register_url)
    monkeypatch.setenv("FIRMSYNC_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("FIRMSYNC_SOURCES", "register")
    register_import([portal[0] / name for name in FIRST])
    rows = _store().query(
        "SELECT reg_number, cui FROM registration WHERE cui IS NOT NULL AND cui_issue IS NULL"
    )
    return dict(rows)


def _first_with_cui(regs: list[str], cuis: dict[str, str]) -> str:
    return next(cuis[reg] for reg in regs if reg in cuis)


def _synced_cards(account: Account, cuis: dict[str, str]) -> dict[str, Company]:
    cards = {
        label: create_card(account, name=label, cui_input=cui, request=lambda _: True)
        for label, cui in cuis.items()
    }
    assert sync_due(engine=configured_engine())["synced"] == len(cards)
    return cards


@pytest.mark.django_db(transaction=True)
def test_only_the_cards_whose_facts_changed_sync_again_and_a_struck_off_client_alerts(
    on_first: dict[str, str], account: Account, admin: User, portal: tuple[Path, Any]
) -> None:
    root, changes = portal
    activate(account, admin, start_backfill=lambda _: None)
    changed = {
        "struck": _first_with_cui(changes["struck_off"], on_first),
        "renamed": _first_with_cui(changes["renamed"], on_first),
        "moved": _first_with_cui(changes["moved"], on_first),
    }
    touched = {
        on_first.get(reg) for kind in ("renamed", "moved", "struck_off") for reg in changes[kind]
    }
    quiet = sorted(set(on_first.values()) - touched)[:3]
    cards = _synced_cards(account, {**changed, **{f"quiet {n}": c for n, c in enumerate(quiet)}})
    assert due_card_ids(timezone.now()) == []  # all synced: due in a month
    result, _ = register_import([root / name for name in SECOND])
    assert result.snapshot == "2026-12-02" and result.changes["status"] == len(
        changes["struck_off"]
    )
    tasks.register_update.call_local()  # the worker's minute: the daily check is off here
    due = set(due_card_ids(timezone.now()))
    assert due == {cards[label].pk for label in changed}
    states = SyncState.objects.in_bulk([c.pk for c in cards.values()], field_name="company_id")
    assert states[cards["quiet 0"].pk].next_due_at > timezone.now() + datetime.timedelta(days=1)
    assert not Alert.objects.filter(kind="status").exists()
    assert sync_due(engine=configured_engine())["synced"] == len(changed)  # the sweep
    struck = Company.objects.get(pk=cards["struck"].pk)
    assert struck.status == "struck_off"
    alert = Alert.objects.get(kind="status")
    assert alert.company_id == struck.pk and alert.params["new"] == "struck_off"
    assert " GRUP " in Company.objects.get(pk=cards["renamed"].pk).legal_name
    assert due_card_ids(timezone.now()) == []  # synced again: nothing else is due
    # The changes are made due once: the worker's next minute finds nothing new.
    assert cards_due_after_import() == {"cards": 0, "by_kind": {}, "changes": {}}


@pytest.mark.django_db(transaction=True)
def test_cards_due_after_an_import_counts_them_by_kind_and_skips_inactive_accounts(
    on_first: dict[str, str], account: Account, admin: User, portal: tuple[Path, Any]
) -> None:
    root, changes = portal
    activate(account, admin, start_backfill=lambda _: None)
    struck = _first_with_cui(changes["struck_off"], on_first)
    renamed = _first_with_cui(changes["renamed"], on_first)
    _synced_cards(account, {"struck": struck, "renamed": renamed})
    other = Account.objects.create(name="Other", plan=Account.Plan.PROFESSIONAL)
    card = create_card(other, name="Elsewhere", cui_input=struck, request=lambda _: True)
    SyncState.objects.create(company=card, state=SyncState.State.SYNCED, cui=struck)
    result, _ = register_import([root / name for name in SECOND])
    due = cards_due_after_import(result.changes_after)
    assert due["cards"] == 2  # not the card of the account without the add-on
    assert due["by_kind"]["status"] == 1 and due["by_kind"]["name"] >= 1
    assert due["changes"] == result.changes
    assert SyncState.objects.get(company=card).next_due_at is None
