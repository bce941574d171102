"""`firmsync demo`: a sample register, its name index, and a demo account whose cards sync."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from firmsync.cli import cli
from firmsync.crm.models import Membership
from firmsync.enrichment.models import SyncState

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_demo_prepares_everything_offline(
    register_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FIRMSYNC_REGISTER_URL", register_url)
    monkeypatch.setenv("FIRMSYNC_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("FIRMSYNC_ANAF_BASE_URL", "http://127.0.0.1:9")  # never asked
    demo = ["demo", "--companies", "3000", "--no-serve"]
    result = CliRunner().invoke(cli, demo, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "Demo account 'Demo'" in result.stdout and "ana@firmsync.local" in result.stdout
    states = dict(SyncState.objects.values_list("company__name", "state"))
    assert states["Client by CUI"] == "synced" and states["Opted out"] == "stopped"
    assert states["A CUI no one knows"] == "not_found" and states["Müller GmbH"] == "foreign"
    assert states["Brutăria Zzyzx Imaginară"] == "no_match"
    assert {"synced", "review", "no_match", "not_found", "foreign", "stopped"} <= set(
        states.values()
    )
    roles = dict(Membership.objects.values_list("user__username", "role"))
    assert roles == {"demo@firmsync.local": "admin", "ana@firmsync.local": "member"}
    again = CliRunner().invoke(cli, demo, catch_exceptions=False)
    assert again.exit_code == 0 and SyncState.objects.count() == len(states)  # prepared once
