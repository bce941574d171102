"""A user's edit while the card syncs, in two threads on PostgreSQL (real row locks).

The sync locks its batch's cards before it writes anything; the user's edit, made while
the sync is in that transaction, waits for the lock and then applies to the card as the
sync left it. To hold the sync there long enough, the database itself is slowed: a
trigger sleeps on the insert of the card's registered office, which the sync writes before
the card's own row — so only the row lock taken when the cards are loaded
(``select_for_update``) makes the edit wait. (An edit saved before the sync locks the card
is the stale-object test in test_engine.py, which runs everywhere. On SQLite writers are
serialised by IMMEDIATE transactions, and the in-memory test database cannot be shared by
two threads' transactions.)
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator

import pytest
from django.contrib.auth.models import User
from django.db import connection

from firmsync.crm.models import Account, Company
from firmsync.crm.services import create_company, update_company
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

SLEEP = 1.0  # seconds the sync's transaction is held by the trigger


@pytest.fixture
def slow_office_insert(db: None) -> Iterator[None]:
    """Every insert into the cards' addresses sleeps ``SLEEP`` seconds, in the inserting
    transaction."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION firmsync_test_sleep() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN PERFORM pg_sleep({SLEEP}); RETURN NULL; END $$"
        )
        cursor.execute(
            "CREATE TRIGGER firmsync_test_sleep BEFORE INSERT ON crm_address "
            "FOR EACH STATEMENT EXECUTE FUNCTION firmsync_test_sleep()"
        )
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER firmsync_test_sleep ON crm_address")
            cursor.execute("DROP FUNCTION firmsync_test_sleep()")


def _sleeping() -> bool:
    """Whether another session of this database is in the trigger's sleep."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event = 'PgSleep' AND pid <> pg_backend_pid()"
        )
        (count,) = cursor.fetchone()
    return count > 0


def test_an_edit_while_the_sync_holds_the_card_waits_and_is_kept(
    account: Account, admin: User, engine: Engine, slow_office_insert: None
) -> None:
    activate(account, admin, start_backfill=lambda _: None)
    card = create_company(account, name="Trade", cui_input=TRADECENTER)
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
    deadline = time.monotonic() + 10
    while not _sleeping():  # the sync is in its transaction, its cards loaded
        assert time.monotonic() < deadline and worker.is_alive(), errors
        time.sleep(0.01)
    started = time.monotonic()
    update_company(card, {"notes": "call on Monday", "phone": "0744"})
    waited = time.monotonic() - started
    worker.join(20)
    assert not errors, errors
    assert waited > SLEEP / 2  # the edit waited for the sync's lock on the card
    card.refresh_from_db()
    assert (card.notes, card.phone) == ("call on Monday", "0744")
    assert card.legal_name == "TRADECENTER SRL" and "turnover" in card.locked_fields
