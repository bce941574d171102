"""A user's edit while the card syncs, in two threads on PostgreSQL (real row locks).

The sync locks the card and works for a while; the user's edit, made meanwhile, waits for
the lock and then applies to the card as the sync left it. (An edit saved before the sync
locks the card is the stale-object test in test_engine.py, which runs everywhere. On
SQLite writers are serialised by IMMEDIATE transactions, and the in-memory test database
cannot be shared by two threads' transactions.)
"""

from __future__ import annotations

import os
import threading
import time

import pytest
from django.contrib.auth.models import User
from django.db import connection

from firmsync.crm.models import Account, Company
from firmsync.crm.services import create_company, update_company
from firmsync.enrichment.services import apply as applying
from firmsync.enrichment.services.addon import activate
from firmsync.enrichment.services.sync import Engine, sync_cards

from .conftest import TRADECENTER

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not os.environ.get("FIRMSYNC_DATABASE_URL", "").startswith("postgres"),
        reason="needs PostgreSQL's row locks",
    ),
]


def test_an_edit_while_the_sync_holds_the_card_waits_and_is_kept(
    account: Account,
    admin: User,
    engine: Engine,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    activate(account, admin, start_backfill=lambda _: None)
    card = create_company(account, name="Trade", cui_input=TRADECENTER)
    reached = threading.Event()
    real_values = applying.card_values

    def slow_values(facts):  # the sync holds the card's lock while it works
        reached.set()
        time.sleep(0.3)
        return real_values(facts)

    monkeypatch.setattr(applying, "card_values", slow_values)
    errors: list[BaseException] = []

    def run_sync() -> None:
        try:
            sync_cards([Company.objects.select_related("account").get(pk=card.pk)], engine)
        except BaseException as error:  # reported to the test thread
            errors.append(error)
        finally:
            connection.close()

    worker = threading.Thread(target=run_sync)
    worker.start()
    assert reached.wait(10)
    update_company(card, {"notes": "call on Monday", "phone": "0744"})
    worker.join(20)
    assert not errors, errors
    card.refresh_from_db()
    assert (card.notes, card.phone) == ("call on Monday", "0744")
    assert card.legal_name == "TRADECENTER SRL" and "turnover" in card.locked_fields
