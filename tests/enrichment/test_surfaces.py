"""The CLI is parse → service → format: it touches no model and no store, and each command
does what the same service does for the API and the web (a new card's sync is queued)."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from huey.contrib.djhuey import HUEY

from firmsync.cli import cli
from firmsync.enrichment.models import SyncState
from firmsync.registry.store import RegisterStore

from ..registry.snapshot import CNP
from ..surfaces import SRC, model_offences
from .conftest import TRADECENTER, deployment

pytestmark = pytest.mark.django_db(transaction=True)

CLI = SRC / "cli"


def test_no_cli_module_touches_a_model_or_a_transaction() -> None:
    assert model_offences(CLI) == []


@pytest.fixture
def runner(register: RegisterStore, register_url: str, tmp_path: Path, monkeypatch) -> CliRunner:
    monkeypatch.setenv("FIRMSYNC_REGISTER_URL", register_url)
    monkeypatch.setenv("FIRMSYNC_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("FIRMSYNC_SOURCES", "register")
    return CliRunner()


def _ok(runner: CliRunner, *args: str) -> str:
    result = runner.invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_company_add_queues_the_cards_sync_as_create_card_does(runner: CliRunner) -> None:
    _ok(runner, "account", "create", "Acme", "--plan", "professional", "--admin", "a@acme.ro")
    _ok(runner, "addon", "activate", "Acme")
    HUEY.flush()
    try:
        added = _ok(runner, "company", "add", "Acme", "--name", "Trade", "--cui", TRADECENTER)
        card_id = int(added.split()[1].rstrip(":"))
        assert HUEY.pending_count() == 1  # the card's sync, queued by the card service
        task = HUEY.dequeue()
        assert task is not None and task.name.endswith("sync_card") and task.args == (card_id,)
        HUEY.execute(task)  # as a worker would
    finally:
        HUEY.flush()
    assert SyncState.objects.get(company_id=card_id).state == "synced"
    shown = json.loads(_ok(runner, "company", "show", str(card_id), "--json"))
    assert shown["legal_name"] == "TRADECENTER SRL" and "turnover" in shown["locked_fields"]


def test_refusals_are_one_line_with_the_field_and_an_exit_code(runner: CliRunner) -> None:
    _ok(runner, "account", "create", "Acme", "--plan", "professional", "--admin", "a@acme.ro")
    typo = runner.invoke(cli, ["company", "add", "Acme", "--name", "T", "--cui", "66815091"])
    assert typo.exit_code == 2
    assert typo.stderr.count("\n") == 1 and "cui_input" in typo.stderr and "x" in typo.stderr
    twice = runner.invoke(cli, ["account", "create", "Acme", "--admin", "b@acme.ro"])
    assert twice.exit_code == 1 and "exists already" in twice.stderr
    missing = runner.invoke(cli, ["company", "show", "999"])
    assert missing.exit_code == 1 and missing.stderr == "Error: no card 999\n"
    month = runner.invoke(cli, ["usage", "Acme", "--month", "2026-13"])
    assert month.exit_code == 2 and "month" in month.stderr
    cap = runner.invoke(cli, ["addon", "settings", "Acme", "--refresh-days", "31"])
    assert cap.exit_code == 2 and "refresh_days" in cap.stderr
    assert "Traceback" not in typo.output + twice.output + missing.output + cap.output


def _firmsync() -> str:
    return str(Path(sys.executable).with_name("firmsync"))


def test_commands_on_an_unmigrated_database_stop_with_one_line(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "FIRMSYNC_DATA_DIR": str(tmp_path / "var"),
        "FIRMSYNC_DATABASE_URL": f"sqlite:///{tmp_path}/crm.sqlite3",
        "FIRMSYNC_QUEUE_URL": f"sqlite:///{tmp_path}/queue.sqlite3",
    }
    shown = subprocess.run(
        [_firmsync(), "account", "create", "Acme", "--admin", "a@acme.ro"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert shown.returncode == 1
    assert shown.stderr.count("\n") == 1 and "run `firmsync migrate`" in shown.stderr
    with sqlite3.connect(tmp_path / "crm.sqlite3") as db:  # nothing was migrated meanwhile
        tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master")}
    assert "crm_company" not in tables


def test_a_card_added_while_the_worker_runs_is_synced_in_seconds(
    register: RegisterStore, register_url: str, tmp_path: Path
) -> None:
    env = deployment(tmp_path, register_url)

    def run(*args: str) -> str:
        return subprocess.run(
            [_firmsync(), *args], env=env, check=True, capture_output=True, text=True
        ).stdout

    run("migrate")
    run("account", "create", "Acme", "--plan", "professional", "--admin", "ana@acme.ro")
    run("addon", "activate", "Acme")
    worker = subprocess.Popen([_firmsync(), "worker", "--workers", "1"], env=env)
    try:
        time.sleep(2)  # the worker is up (and has run the empty backfill)
        added = time.monotonic()
        card_id = run("company", "add", "Acme", "--name", "Trade", "--cui", TRADECENTER).split()[1]
        state = None
        while time.monotonic() - added < 20:
            shown = json.loads(run("company", "show", card_id.rstrip(":"), "--json"))
            state = shown["sync"] and shown["sync"]["state"]
            if state == "synced":
                break
            time.sleep(0.2)
        took = time.monotonic() - added
    finally:
        worker.send_signal(signal.SIGINT)
        assert worker.wait(timeout=30) == 0
    assert state == "synced" and shown["legal_name"] == "TRADECENTER SRL"
    assert took < 10, f"synced after {took:.1f} s"  # not at the next periodic refresh


def test_a_personal_code_is_never_repeated_in_an_error(runner: CliRunner) -> None:
    cnp = CNP
    _ok(runner, "account", "create", "Acme", "--admin", "a@acme.ro")
    for args in (["registry", "show", cnp], ["lookup", cnp, "--source", "register"]):
        refused = runner.invoke(cli, args)
        assert refused.exit_code == 2 and "1***********4" in refused.stderr, refused.output
        assert cnp not in refused.output
