"""The jobs: a new card syncs by itself, activation backfills, one queued sync per card."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from huey.contrib.djhuey import HUEY

from firmsync.crm.models import Account
from firmsync.enrichment.engine import configured_engine
from firmsync.enrichment.models import AddonSettings, SyncState
from firmsync.enrichment.selectors import addon_view
from firmsync.enrichment.services.addon import activate
from firmsync.enrichment.services.cards import create_card, update_card
from firmsync.enrichment.services.sync import Engine
from firmsync.enrichment.tasks import request_sync
from firmsync.matching.index import NameIndex
from firmsync.registry.store import RegisterStore

from .conftest import LEMNLIND, TRADECENTER, deployment

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def configured(
    register: RegisterStore, register_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    monkeypatch.setenv("FIRMSYNC_REGISTER_URL", register_url)
    monkeypatch.setenv("FIRMSYNC_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("FIRMSYNC_SOURCES", "register")
    HUEY.immediate = True  # the jobs run at once, in this process, on an in-memory queue
    yield
    HUEY.immediate = False


def test_activation_backfills_and_new_cards_sync_by_themselves(
    configured: None, account: Account, admin: User
) -> None:
    old = create_card(account, name="Trade", cui_input=TRADECENTER)
    assert not SyncState.objects.filter(company=old).exists()  # not active: no job
    activate(account, admin)
    assert SyncState.objects.get(company=old).state == "synced"  # the backfill ran
    progress = addon_view(account)
    assert (progress["backfill_done"], progress["backfill_total"]) == (1, 1)
    new = create_card(account, name="Lemn", cui_input=LEMNLIND)
    assert SyncState.objects.get(company=new).state == "synced"
    update_card(new, {"cui_input": "x"})  # a relevant change: synced again, now stopped
    assert SyncState.objects.get(company=new).state == "stopped"


def test_the_engine_is_made_once_a_thread_and_again_when_its_configuration_changes(
    configured: None, register: RegisterStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = configured_engine()
    assert configured_engine() is first  # a job per batch does not open the sources again
    assert first.matcher is None  # no name index yet
    NameIndex.build(register, tmp_path / "var" / "names", workers=1)
    built = configured_engine()
    assert built is not first and built.matcher is not None
    monkeypatch.setenv("FIRMSYNC_SOURCES", "register,anaf")
    assert configured_engine() is not built and configured_engine().source == "all"
    elsewhere: list[Engine] = []
    thread = threading.Thread(target=lambda: elsewhere.append(configured_engine()))
    thread.start()
    thread.join()
    assert elsewhere[0] is not configured_engine()  # its own connections


def test_one_queued_sync_per_card(account: Account) -> None:
    HUEY.flush()  # what other tests queued
    card = create_card(account, name="Trade", request=lambda _: False)
    try:
        assert request_sync(card.pk) is True
        assert request_sync(card.pk) is False  # one is waiting already
        assert HUEY.pending_count() == 1
    finally:
        HUEY.flush()


def test_the_worker_runs_the_backfill(register: RegisterStore, register_url: str, tmp_path) -> None:
    """The product's processes: activation queues the backfill, ``firmsync worker`` runs it."""
    env = deployment(tmp_path, register_url)
    firmsync = str(Path(sys.executable).with_name("firmsync"))

    def run(*args: str) -> str:
        return subprocess.run(
            [firmsync, *args], env=env, check=True, capture_output=True, text=True
        ).stdout

    run("migrate")  # ordinary commands never migrate: an explicit step
    run("account", "create", "Acme", "--plan", "professional", "--admin", "ana@acme.ro")
    card_id = run("company", "add", "Acme", "--name", "Trade", "--cui", TRADECENTER).split()[1]
    run("addon", "activate", "Acme")  # queues the backfill; nothing runs it yet
    assert json.loads(run("company", "show", card_id.rstrip(":"), "--json"))["sync"] is None
    log = (tmp_path / "worker.log").open("w")
    worker = subprocess.Popen([firmsync, "worker", "--workers", "2"], env=env, stderr=log)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            shown = json.loads(run("company", "show", card_id.rstrip(":"), "--json"))
            if shown["sync"] and shown["sync"]["state"] == "synced":
                break
            time.sleep(0.2)
        assert shown["legal_name"] == "TRADECENTER SRL"
    finally:
        worker.send_signal(signal.SIGINT)
        assert worker.wait(timeout=30) == 0
        log.close()
    # Its log: what each job (or the sweep, if it came first) synced; huey's lines once.
    lines = (tmp_path / "worker.log").read_text().splitlines()
    synced = [line for line in lines if re.search(r"(job|sweep): 1 synced of 1 (due )?cards", line)]
    assert len(synced) == 1, lines
    started = [line for line in lines if "Huey consumer started" in line]
    assert len(started) == 1, started


def test_a_queue_out_of_reach_leaves_the_activation_and_the_work_recorded(
    configured: None, account: Account, admin: User, caplog: pytest.LogCaptureFixture
) -> None:
    from redis.exceptions import ConnectionError as RedisDown

    from firmsync.enrichment.services.refresh import sync_due

    def queue_down(account_id: int) -> None:
        raise RedisDown("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    card = create_card(account, name="Trade", cui_input=TRADECENTER)
    activate(account, admin, start_backfill=queue_down)  # no traceback
    assert AddonSettings.objects.get(account=account).active
    assert "its backfill could not be queued (ConnectionError)" in caplog.text
    assert not SyncState.objects.filter(company=card).exists()  # not synced yet, but due:
    assert sync_due(engine=configured_engine())["synced"] == 1  # the periodic pass does it
    assert SyncState.objects.get(company=card).state == "synced"


def _descendants(pid: int) -> set[int]:
    """The living processes below ``pid``, from /proc."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            fields = stat.rsplit(")", 1)[1].split()
            if fields[0] != "Z":  # a zombie has ended
                parents[int(entry.name)] = int(fields[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier}
        found |= frontier
    return found


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the kernel's parent-death signal")
def test_a_worker_killed_outright_leaves_no_process_behind(
    register: RegisterStore, register_url: str, tmp_path: Path
) -> None:
    env = deployment(tmp_path, register_url)
    firmsync = str(Path(sys.executable).with_name("firmsync"))
    subprocess.run([firmsync, "migrate"], env=env, check=True, capture_output=True)
    worker = subprocess.Popen([firmsync, "worker", "--workers", "2"], env=env)
    try:
        deadline = time.monotonic() + 30
        while len(_descendants(worker.pid)) < 3 and time.monotonic() < deadline:
            time.sleep(0.2)  # two job processes and the fetcher
        children = _descendants(worker.pid)
        assert len(children) >= 3
    finally:
        worker.kill()  # SIGKILL: it cannot stop them itself
        worker.wait()
    deadline = time.monotonic() + 20
    while any(Path(f"/proc/{pid}").exists() for pid in children) and time.monotonic() < deadline:
        time.sleep(0.2)
    alive = [pid for pid in children if Path(f"/proc/{pid}/stat").exists()]
    assert not [
        p for p in alive if Path(f"/proc/{p}/stat").read_text().split(")")[1].split()[0] != "Z"
    ]
