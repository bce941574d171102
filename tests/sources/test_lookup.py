"""``firmsync lookup`` and the merge: the right source for every field."""

from __future__ import annotations

import datetime
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from firmsync.cli import cli
from firmsync.sources.facts import (
    CompanyFacts,
    Financials,
    Representative,
    SourceStamp,
)
from firmsync.sources.fake.anaf import FakeAnaf
from firmsync.sources.lookup import filing_years
from firmsync.sources.merge import merge

from ..registry.snapshot import write_snapshot

CUI = "66815090"  # in the test snapshot, with MF figures for 2024 and 2025
RATE = 50.0
# ANAF is asked through the fetcher, whose questions and answers live in the CRM's database.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def fake() -> FakeAnaf:
    return FakeAnaf(rate=RATE)


@pytest.fixture
def runner(
    register_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake: FakeAnaf
) -> Iterator[CliRunner]:
    monkeypatch.setenv("FIRMSYNC_REGISTER_URL", register_url)
    monkeypatch.setenv("FIRMSYNC_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("FIRMSYNC_ANAF_RATE", str(RATE * 0.5))  # a margin for a busy machine
    monkeypatch.delenv("FIRMSYNC_OPENAPI_KEY", raising=False)
    runner = CliRunner()
    imported = runner.invoke(cli, ["registry", "import", str(write_snapshot(tmp_path / "data"))])
    assert imported.exit_code == 0, imported.output
    with fake.serve() as server:
        monkeypatch.setenv("FIRMSYNC_ANAF_BASE_URL", server.url)
        yield runner


def test_all_merges_register_and_anaf_with_the_right_source_per_field(
    runner: CliRunner, fake: FakeAnaf
) -> None:
    recent = filing_years(datetime.date.today())
    fake.filed_years = tuple(recent)
    result = runner.invoke(cli, ["lookup", CUI, "--source", "all"])
    assert result.exit_code == 0, result.output
    facts = json.loads(result.stdout)
    source = {key: stamp["source"] for key, stamp in facts["sources"].items()}
    for key in ("status", "vat", "efactura", "address", "fiscal_address", "main_caen"):
        assert source[key] == "anaf", key
    for key in ("reg_number", "legal_form", "registered_on", "representatives", "euid"):
        assert source[key] == "register", key
    assert facts["reg_number"] == "J2022000001360"  # the register's, not the fake's made-up one
    # Financials: the MF files' years, and the balance-sheet API for the other recent years.
    years = [f["year"] for f in facts["financials"]]
    assert years == sorted(set(recent) | {2024, 2025}, reverse=True)
    for year in years:
        expected = "mf" if year in (2024, 2025) else "anaf_bilant"
        assert source[f"financials/{year}"] == expected, year
    mf_2025 = next(f for f in facts["financials"] if f["year"] == 2025)
    assert mf_2025["employees"] == 9
    # Balance sheets were asked only for the years the MF files lack.
    assert fake.stats()["requests"] == 1 + len(set(recent) - {2024, 2025})
    assert fake.stats()["violations"] == 0


def test_source_anaf_asks_the_last_five_years(runner: CliRunner, fake: FakeAnaf) -> None:
    result = runner.invoke(cli, ["lookup", CUI, "--source", "anaf", "--json"])
    assert result.exit_code == 0, result.output
    facts = json.loads(result.stdout)
    assert [f["year"] for f in facts["financials"]] == filing_years(datetime.date.today())
    # One VAT request and five balance sheets answered (on a starved machine the fake may
    # stamp two arrivals too close and refuse one, which the client asks again).
    stats = fake.stats()
    assert stats["requests"] - stats["violations"] == 1 + 5
    assert facts["representatives"] == []  # ANAF has none


def test_several_cuis_print_a_list_and_unknown_exits_1(runner: CliRunner, fake: FakeAnaf) -> None:
    fake.absent.add("14399840")
    result = runner.invoke(cli, ["lookup", CUI, "14399840", "--source", "anaf"])
    assert result.exit_code == 1
    printed = json.loads(result.stdout)
    assert [f["cui"] for f in printed] == [CUI]
    assert "CUI 14399840: not found" in result.stderr


def test_invalid_cui_exits_2_before_asking_anyone(runner: CliRunner, fake: FakeAnaf) -> None:
    result = runner.invoke(cli, ["lookup", "14399841"])
    assert result.exit_code == 2 and "not a valid CUI" in result.stderr
    assert fake.stats()["requests"] == 0


def test_register_only(runner: CliRunner, fake: FakeAnaf) -> None:
    result = runner.invoke(cli, ["lookup", CUI, "--source", "register"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["sources"]["name"]["source"] == "register"
    assert fake.stats()["requests"] == 0


def test_a_failing_anaf_prints_no_partial_facts(runner: CliRunner, fake: FakeAnaf) -> None:
    fake.fail_next("no_cod")  # an error envelope: not retried (transient ones are, slowly)
    result = runner.invoke(cli, ["lookup", CUI, "--source", "all"], catch_exceptions=False)
    assert result.exit_code == 3, result.output
    assert result.stdout == "" and "error 500: Eroare interna (malformed)" in result.stderr


# --- the merge, field by field ------------------------------------------------------------


def _stamped(source: str, as_of: str, facts: CompanyFacts, keys: list[str]) -> CompanyFacts:
    return CompanyFacts(
        **{**facts.__dict__, "sources": {k: SourceStamp(source, as_of) for k in keys}}
    )


def test_merge_by_precedence_and_status_from_the_register_in_proceedings() -> None:
    register = _stamped(
        "register",
        "2026-11-02",
        CompanyFacts(
            "1",
            name="ALFA SRL",
            reg_number="J40/1/2001",
            status="insolvency",
            representatives=[Representative("POPESCU ION", "ADMINISTRATOR")],
        ),
        ["name", "reg_number", "status", "representatives"],
    )
    anaf = _stamped(
        "anaf",
        "2026-11-28",
        CompanyFacts("1", name="ALFA S.R.L.", reg_number="J40/1/2001", status="active", phone="1"),
        ["name", "reg_number", "status", "phone"],
    )
    merged = merge("1", [register, anaf])
    assert merged.name == "ALFA S.R.L." and merged.sources["name"].source == "anaf"
    assert merged.sources["reg_number"].source == "register"
    assert merged.status == "insolvency" and merged.sources["status"].source == "register"
    assert merged.phone == "1" and merged.representatives[0].name == "POPESCU ION"


def test_merge_lets_anaf_say_struck_off_and_inactive() -> None:
    register = _stamped("register", "2026-11-02", CompanyFacts("1", status="active"), ["status"])
    anaf = _stamped("anaf", "2026-11-28", CompanyFacts("1", status="inactive"), ["status"])
    merged = merge("1", [register, anaf])
    assert merged.status == "inactive" and merged.sources["status"].source == "anaf"


def test_merge_fills_financial_years_from_each_other() -> None:
    mf = CompanyFacts(
        "1",
        financials=[Financials(2025, turnover=10), Financials(2024, turnover=9)],
        sources={"financials": SourceStamp("mf", "2025-12-31")},
    )
    api = CompanyFacts(
        "1",
        financials=[Financials(2024, turnover=999), Financials(2022, turnover=7)],
        sources={
            "financials": SourceStamp("anaf_bilant", "2024-12-31"),
            "financials/2024": SourceStamp("anaf_bilant", "2024-12-31"),
            "financials/2022": SourceStamp("anaf_bilant", "2022-12-31"),
        },
    )
    merged = merge("1", [api, mf])
    assert [(f.year, f.turnover) for f in merged.financials] == [(2025, 10), (2024, 9), (2022, 7)]
    assert merged.sources["financials/2024"].source == "mf"
    assert merged.sources["financials/2022"].source == "anaf_bilant"
    assert merged.sources["financials"].source == "mf"


def test_the_fake_anaf_command_serves_and_counts(tmp_path: Path) -> None:
    import urllib.request

    from firmsync.sources.fake.server import fake_anaf_process

    env = {**os.environ, "FIRMSYNC_DATA_DIR": str(tmp_path)}
    with fake_anaf_process("--scenario", "firewall", env=env) as url:
        body = b'[{"cui": 14399840, "data": "2026-11-28"}]'
        request = urllib.request.Request(f"{url}/api/PlatitorTvaRest/v9/tva", data=body)
        page = urllib.request.urlopen(request, timeout=5).read()
        assert b"Request Rejected" in page  # the firewall scenario, with status 200
        stats = json.loads(urllib.request.urlopen(f"{url}/__stats", timeout=5).read())
        assert stats["requests"] == 1 and stats["injected"] == {"firewall": 1}


def test_with_anaf_failing_the_registers_facts_come_back_marked_incomplete(
    runner: CliRunner, fake: FakeAnaf, register_url: str
) -> None:

    from firmsync.registry.store import RegisterStore
    from firmsync.sources.anaf.client import AnafClient
    from firmsync.sources.anaf.pace import IntervalPace
    from firmsync.sources.lookup import Providers, lookup

    fake.fail_next("no_cod")
    store = RegisterStore(register_url)
    with AnafClient(os.environ["FIRMSYNC_ANAF_BASE_URL"], pace=IntervalPace(RATE * 0.5)) as anaf:
        (looked,) = lookup([CUI], "all", Providers(register=store, anaf=anaf))
    store.close()
    assert not looked.complete and looked.error is not None and looked.error.kind == "malformed"
    assert looked.facts is not None and looked.facts.reg_number == "J2022000001360"
    assert {stamp.source for stamp in looked.facts.sources.values()} <= {"register", "mf"}
