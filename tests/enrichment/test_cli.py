"""The operator's commands: account, add-on, cards, sync, usage — one story end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from firmsync.cli import cli
from firmsync.registry.store import RegisterStore

from .conftest import TRADECENTER

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_card_from_creation_to_deactivation(
    register: RegisterStore, register_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FIRMSYNC_REGISTER_URL", register_url)
    monkeypatch.setenv("FIRMSYNC_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("FIRMSYNC_SOURCES", "register")
    run = CliRunner().invoke

    def ok(*args: str) -> str:
        result = run(cli, list(args), catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.stdout

    ok("account", "create", "Mic", "--admin", "x@mic.ro")
    refused = run(cli, ["addon", "activate", "Mic"])
    assert refused.exit_code == 2 and "needs the Professional plan" in refused.stderr
    ok("account", "create", "Acme", "--plan", "professional", "--admin", "ana@acme.ro")
    card = ok("company", "add", "Acme", "--name", "Trade", "--cui", f"RO {TRADECENTER}")
    card_id = card.split()[1].rstrip(":")
    ok("addon", "activate", "Acme")
    assert "1 cards: 1 synced" in ok("sync", "run", "--account", "Acme")
    shown = json.loads(ok("company", "show", card_id, "--json"))
    assert shown["legal_name"] == "TRADECENTER SRL" and "turnover" in shown["locked_fields"]
    assert shown["provenance"]["turnover"]["source"] == "mf"
    assert [f["year"] for f in shown["financial_years"]] == [2025, 2024]
    bill = json.loads(ok("usage", "Acme", "--json"))
    assert bill["companies"] == 1 and bill["total"] == "5.900"
    removed = ok("addon", "deactivate", "Acme", "--yes")
    assert "2 financial years" in removed and "Usage and statements are kept" in removed
    assert json.loads(ok("company", "show", card_id, "--json"))["locked_fields"] == []


def test_sync_run_refuses_an_empty_batch_in_one_line(
    register: RegisterStore, register_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FIRMSYNC_REGISTER_URL", register_url)
    monkeypatch.setenv("FIRMSYNC_DATA_DIR", str(tmp_path / "var"))
    result = CliRunner().invoke(cli, ["sync", "run", "--batch", "0"])
    assert result.exit_code == 2
    assert result.stderr.strip() == "Refused: batch: must be 1 to 1,000 cards, not 0"


def test_sync_run_fails_when_every_card_failed(
    register: RegisterStore, register_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import socket

    with socket.socket() as probe:  # a port nothing answers on: ANAF down
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    monkeypatch.setenv("FIRMSYNC_REGISTER_URL", register_url)
    monkeypatch.setenv("FIRMSYNC_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("FIRMSYNC_SOURCES", "anaf")
    monkeypatch.setenv("FIRMSYNC_ANAF_BASE_URL", f"http://127.0.0.1:{closed}")
    run = CliRunner().invoke
    for args in (
        ["account", "create", "Acme", "--plan", "professional", "--admin", "ana@acme.ro"],
        ["company", "add", "Acme", "--name", "Trade", "--cui", TRADECENTER],
        ["addon", "activate", "Acme"],
    ):
        assert run(cli, args).exit_code == 0
    result = run(cli, ["sync", "run", "--account", "Acme"])
    assert "1 cards: 1 error" in result.stdout
    assert result.exit_code == 1
    assert "every card's sync failed" in result.stderr


def test_a_value_longer_than_its_field_is_refused_in_one_line(
    register: RegisterStore, register_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FIRMSYNC_REGISTER_URL", register_url)
    monkeypatch.setenv("FIRMSYNC_DATA_DIR", str(tmp_path / "var"))
    run = CliRunner().invoke
    assert run(cli, ["account", "create", "Acme", "--admin", "ana@acme.ro"]).exit_code == 0
    for args, line in (
        (["--name", "N" * 301], "Refused: name: at most 300 characters, not 301"),
        (
            ["--name", "Ok", "--locality", "L" * 121],
            "Refused: locality: at most 120 characters, not 121",
        ),
    ):
        result = run(cli, ["company", "add", "Acme", *args])
        assert (result.exit_code, result.stderr.strip()) == (2, line)
    too_long = run(cli, ["account", "create", "A" * 201, "--admin", "x@y.ro"])
    assert (too_long.exit_code, too_long.stderr.strip()) == (
        2,
        "Refused: name: at most 200 characters",
    )
