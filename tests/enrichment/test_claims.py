"""No card synced twice: claims between runs, and work recorded before it is queued.

Two ``firmsync sync run`` at once are real processes here, on a shared database, against a
local openapi.ro that counts what it is asked; the rest runs in this process.
"""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from firmsync.crm.models import Account
from firmsync.enrichment import tasks
from firmsync.enrichment.engine import configured_engine
from firmsync.enrichment.models import SyncState
from firmsync.enrichment.selectors import addon_view
from firmsync.enrichment.services.addon import activate
from firmsync.enrichment.services.cards import create_card, update_card
from firmsync.enrichment.services.claims import CLAIM_FOR, claim, release
from firmsync.enrichment.services.refresh import sync_due
from firmsync.enrichment.services.sync import Engine, sync_cards
from firmsync.identity import cui as cui_id
from firmsync.registry.store import RegisterStore
from firmsync.sources.fake.openapi_ro import FakeOpenApiRo

from .conftest import CARDIOFORCE, LEMNLIND, TRADECENTER, deployment

POSTGRES = os.environ.get("FIRMSYNC_DATABASE_URL", "").startswith("postgres")


def test_a_claimed_card_is_left_to_its_holder_until_released_or_expired(
    account: Account, admin: User, engine: Engine
) -> None:
    activate(account, admin, start_backfill=lambda _: None)
    card = create_card(account, name="Trade", cui_input=TRADECENTER, request=lambda _: True)
    token, held = claim([card.pk])
    assert held == {card.pk}
    assert claim([card.pk])[1] == set()  # held: no one else gets it
    outcome = sync_cards([card], engine)  # another run meets the claim: leaves the card
    assert outcome.busy == [card.pk] and outcome.states == {}
    release(token, held)
    assert sync_cards([card], engine).states == {card.pk: "synced"}
    SyncState.objects.filter(company=card).update(
        claim="dead", claimed_until=timezone.now() - datetime.timedelta(seconds=1)
    )  # its holder was killed: the claim expired
    assert claim([card.pk])[1] == {card.pk}
    assert datetime.timedelta(minutes=5) >= CLAIM_FOR  # a killed holder delays, not strands


def test_a_run_that_listed_a_card_before_another_synced_it_leaves_it(
    account: Account, admin: User, engine: Engine, clock: Any
) -> None:
    activate(account, admin, start_backfill=lambda _: None)
    card = create_card(account, name="Trade", cui_input=TRADECENTER, request=lambda _: True)
    listed = [card]  # a run's list of due cards, made before the other run synced
    assert sync_cards([card], engine, due_only=True).states == {card.pk: "synced"}
    assert sync_cards(listed, engine, due_only=True).states == {}  # no longer due: left
    assert sync_cards(listed, engine).states == {card.pk: "synced"}  # asked for: synced


@pytest.fixture
def register_only(
    register: RegisterStore, register_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The deployment's engine syncs from the test register alone."""
    monkeypatch.setenv("FIRMSYNC_REGISTER_URL", register_url)
    monkeypatch.setenv("FIRMSYNC_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("FIRMSYNC_SOURCES", "register")


@pytest.fixture
def queue_immediately() -> Iterator[None]:
    HUEY.immediate = True  # the jobs run at once, in this process, on an in-memory queue
    yield
    HUEY.immediate = False


@pytest.mark.django_db(transaction=True)
def test_a_lost_backfill_batch_is_synced_by_the_sweep_and_counted(
    register_only: None,
    monkeypatch: pytest.MonkeyPatch,
    account: Account,
    admin: User,
    queue_immediately: None,
) -> None:
    """A batch whose job never ran (a worker killed, the queue flushed) is still due; the
    sweep syncs it, and the backfill's progress, counted from the cards, reaches the end."""
    known = [TRADECENTER, CARDIOFORCE, LEMNLIND]
    for n in range(150):
        create_card(account, name=f"Firma {n}", cui_input=known[n % 3])
    run = tasks.sync_batch.call_local
    batches: list[list[int]] = []

    def first_batch_only(card_ids: list[int], account_id: int) -> None:
        batches.append(card_ids)
        if len(batches) == 1:
            run(card_ids, account_id)  # the second batch's job is lost

    monkeypatch.setattr(tasks, "sync_batch", first_batch_only)
    activate(account, admin)
    assert [len(b) for b in batches] == [100, 50]
    progress = addon_view(account)
    assert (progress["backfill_done"], progress["backfill_total"]) == (100, 150)
    tasks.refresh_due.call_local()  # the worker's sweep
    progress = addon_view(account)
    assert (progress["backfill_done"], progress["backfill_total"]) == (150, 150)
    assert set(SyncState.objects.values_list("state", flat=True)) == {"synced"}


@pytest.mark.django_db(transaction=True)
def test_an_edit_is_recorded_when_the_queue_is_down_and_the_sweep_syncs_it(
    register_only: None, account: Account, admin: User, caplog: pytest.LogCaptureFixture
) -> None:
    from redis.exceptions import ConnectionError as RedisDown

    def queue_down(card_id: int) -> bool:
        raise RedisDown("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    activate(account, admin, start_backfill=lambda _: None)
    card = create_card(account, name="Trade", cui_input=TRADECENTER, request=queue_down)
    assert "could not be queued (ConnectionError)" in caplog.text  # one line, no traceback
    engine = configured_engine()
    assert sync_due(engine=engine)["synced"] == 1
    assert sync_due(engine=engine) == {}  # synced: due in a month
    update_card(card, {"cui_input": LEMNLIND}, request=queue_down)  # kept, and due
    card.refresh_from_db()
    assert card.cui == LEMNLIND
    assert sync_due(engine=engine)["synced"] == 1  # the sweep syncs it
    card.refresh_from_db()
    assert SyncState.objects.get(company=card).cui == LEMNLIND and "LEMN" in card.legal_name


# Two processes


def _cuis(count: int) -> list[str]:
    bodies = (str(10_000_000 + 7 * n)[:-1] for n in range(count * 2))
    found = list(dict.fromkeys(body + cui_id.check_digit(body) for body in bodies))
    return found[:count]


@pytest.fixture
def crm_url(tmp_path: Path) -> Iterator[str]:
    """A CRM database for the processes: a SQLite file, or a PostgreSQL database of its own."""
    if not POSTGRES:
        yield f"sqlite:///{tmp_path}/crm.sqlite3"
        return
    import psycopg

    base = os.environ["FIRMSYNC_DATABASE_URL"]
    name = f"firmsync_claims_{uuid.uuid4().hex[:8]}"
    admin_url = base.replace("postgres://", "postgresql://", 1)
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    yield base.rsplit("/", 1)[0] + f"/{name}"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def test_two_sync_runs_at_once_fetch_each_company_once(
    register: RegisterStore, register_url: str, tmp_path: Path, crm_url: str
) -> None:
    fake = FakeOpenApiRo(key="k")
    cuis = _cuis(300)
    with fake.serve() as server:
        env = deployment(tmp_path, register_url) | {
            "FIRMSYNC_DATABASE_URL": crm_url,
            "FIRMSYNC_SOURCES": "openapi",
            "FIRMSYNC_OPENAPI_KEY": "k",
            "FIRMSYNC_OPENAPI_BASE_URL": server.url,
        }
        firmsync = str(Path(sys.executable).with_name("firmsync"))

        def run(*args: str) -> None:
            subprocess.run([firmsync, *args], env=env, check=True, capture_output=True)

        clients = tmp_path / "clients.csv"
        clients.write_text("Denumire,CUI\n" + "".join(f"Firma {c},{c}\n" for c in cuis))
        run("migrate")
        run("account", "create", "Acme", "--plan", "professional", "--admin", "ana@acme.ro")
        run("company", "import", "Acme", str(clients))
        run("addon", "activate", "Acme")  # its backfill waits in a queue no worker reads
        command = [firmsync, "sync", "run", "--batch", "20"]
        both = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE) for _ in range(2)]
        outputs = [process.communicate(timeout=300)[0].decode() for process in both]
        assert [process.returncode for process in both] == [0, 0], outputs
    asked = {c: fake.requests[f"/api/companies/{c}"] for c in cuis}
    assert sorted(set(asked.values())) == [1], {c: n for c, n in asked.items() if n != 1}
    synced = sum(int(out.split(" synced")[0].split()[-1]) for out in outputs if " synced" in out)
    assert synced == len(cuis), outputs
