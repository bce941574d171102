"""``firmsync registry update`` against the fake data portal, in this process: a register on
one snapshot moves to the next, only once every file is whole, and says in one line when the
portal is out of reach."""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from firmsync.cli import cli
from firmsync.crm.errors import Invalid, Unavailable
from firmsync.enrichment.lease import REGISTER_UPDATE, configured_lease
from firmsync.enrichment.services.register import register_stats
from firmsync.enrichment.services.update import next_check, register_update_daily
from firmsync.registry.store import RegisterStore
from firmsync.sources.fake.portal import FakePortal, make_portal_sample
from firmsync.sources.fake.server import Answer, Request, free_port, serve

FIRST, SECOND = "firme-02-11-2026", "firme-02-12-2026"


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, list[str]]]:
    """Two snapshots a month apart and two MF years, as the fake portal serves them."""
    root = tmp_path_factory.mktemp("portal")
    changes = make_portal_sample(root, companies=300, seed=5)
    return root, changes


@pytest.fixture
def runner(register_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("FIRMSYNC_REGISTER_URL", register_url)
    monkeypatch.setenv("FIRMSYNC_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("FIRMSYNC_PORTAL_URL", raising=False)
    return CliRunner()


@pytest.fixture
def on_first(runner: CliRunner, portal: tuple[Path, Any]) -> CliRunner:
    """A register on snapshot 1 with MF 2024, imported from the files directly."""
    root = portal[0]
    paths = [root / FIRST, root / "nomenclatoare-02-11-2026", root / "situatii_financiare_2024"]
    result = runner.invoke(cli, ["registry", "import", *map(str, paths)])
    assert result.exit_code == 0, result.output
    return runner


@pytest.fixture
def register(register_url: str) -> Iterator[RegisterStore]:
    store = RegisterStore(register_url)
    yield store
    store.close()


def _serving(root: Path, scenario: str = "ok") -> tuple[FakePortal, Any]:
    fake = FakePortal(root, scenario=scenario)
    return fake, fake.serve()


def _update(runner: CliRunner, url: str, *options: str) -> Result:
    return runner.invoke(cli, ["registry", "update", "--portal", url, *options])


def _rows(store: RegisterStore) -> dict[str, tuple[Any, ...]]:
    return {
        row[0]: row[1:]
        for row in store.query(
            "SELECT reg_number, name, cui, street, number, status FROM registration_view"
        )
    }


def _everything(store: RegisterStore) -> dict[str, list[tuple[Any, ...]]]:
    tables = ("registration_view", "financial", "caen_authorised", "representative", "meta")
    return {t: sorted(map(tuple, store.query(f"SELECT * FROM {t}")), key=repr) for t in tables}


def test_a_register_on_snapshot_1_updates_to_snapshot_2(
    on_first: CliRunner, register: RegisterStore, portal: tuple[Path, Any], tmp_path: Path
) -> None:
    root, changes = portal
    before = _rows(register)
    assert register.meta("snapshot") == "2026-11-02"
    fake, server = _serving(root)
    with server:
        result = _update(on_first, server.url, "--json")
    assert result.exit_code == 0, result.output
    done = json.loads(result.stdout)
    assert done["updated"] and done["snapshot"] == "2026-12-02"
    assert done["register"] == {"snapshot": "2026-11-02", "mf_years": [2024]}
    assert [f["label"] for f in done["newer"]] == [
        "snapshot 2026-12-02",
        "code tables 2026-12-02",
        "MF 2025",
    ]
    assert done["partial_snapshots"] == [] and done["downloads_kept"] is None
    assert all(f["rows_rejected"] == 0 for f in done["files"])
    # Each file downloaded once, then deleted once imported.
    assert fake.stats()["downloads"] == sum(len(f["files"]) for f in done["newer"])
    assert not (tmp_path / "var" / "downloads").exists()
    after = _rows(register)
    assert register.meta("snapshot") == "2026-12-02"
    assert set(after) == set(before) | set(changes["new"])
    changed = {reg for reg in before if before[reg] != after[reg]}
    assert changed == set(changes["renamed"]) | set(changes["moved"]) | set(changes["struck_off"])
    assert all(after[reg][-1] == "struck_off" for reg in changes["struck_off"])
    years = register.query("SELECT DISTINCT year FROM financial ORDER BY year")
    assert [y for (y,) in years] == [2024, 2025]
    # The name index followed: a renamed company is found by its new name.
    renamed = after[changes["renamed"][0]]
    found = on_first.invoke(cli, ["match", str(renamed[0]), "--json"])
    assert json.loads(found.stdout)["reg_number"] == changes["renamed"][0]


def test_the_update_leaves_the_register_a_direct_import_leaves(
    on_first: CliRunner, register: RegisterStore, portal: tuple[Path, Any], tmp_path: Path
) -> None:
    root = portal[0]
    _, server = _serving(root)
    with server:
        assert _update(on_first, server.url).exit_code == 0
    updated = _everything(register)
    from firmsync.registry.importer import import_paths
    from tests.conftest import fresh_register_url

    with fresh_register_url(tmp_path / "direct") as url:
        direct = RegisterStore(url)
        for snapshot, year in ((FIRST, 2024), (SECOND, 2025)):  # each read whole
            codes = root / snapshot.replace("firme", "nomenclatoare")
            import_paths(direct, [root / snapshot, codes, root / f"situatii_financiare_{year}"])
        expected = _everything(direct)
        direct.close()
    ignored = ("register_id", "file:registrations", "file:status_codes", "update:last")
    for store_rows in (updated, expected):
        store_rows["meta"] = [r for r in store_rows["meta"] if r[0] not in ignored]
    assert updated == expected


def test_a_second_update_finds_nothing_to_do(on_first: CliRunner, portal: tuple[Path, Any]) -> None:
    fake, server = _serving(portal[0])
    with server:
        assert _update(on_first, server.url).exit_code == 0
        downloads = fake.stats()["downloads"]
        again = _update(on_first, server.url)
        assert again.exit_code == 0, again.output
        assert fake.stats()["downloads"] == downloads
    assert again.stdout == (
        "The register is current (snapshot 2026-12-02, MF years 2024–2025): "
        f"nothing newer on {server.url}.\n"
    )


def test_check_says_what_is_newer_and_changes_nothing(
    on_first: CliRunner, register: RegisterStore, portal: tuple[Path, Any], tmp_path: Path
) -> None:
    before = _everything(register)
    fake, server = _serving(portal[0])
    with server:
        result = _update(on_first, server.url, "--check")
        as_json = json.loads(_update(on_first, server.url, "--check", "--json").stdout)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == (
        f"Newer on {server.url} than the register (snapshot 2026-11-02, MF years 2024):"
    )
    assert lines[1].startswith("  snapshot 2026-12-02: firme-02-12-2026, 4 files, ")
    assert lines[3].startswith("  MF 2025: situatii_financiare_2025, 4 files, ")
    assert as_json["available"] == {"snapshot": "2026-12-02", "mf_years": [2024, 2025]}
    assert "downloads" not in fake.stats()
    assert _everything(register) == before
    assert not (tmp_path / "var" / "downloads").exists()


def test_a_truncated_download_is_detected_and_fetched_again(
    on_first: CliRunner, register: RegisterStore, portal: tuple[Path, Any]
) -> None:
    fake, server = _serving(portal[0], "truncated")
    with server:
        result = _update(on_first, server.url, "--json")
    assert result.exit_code == 0, result.output
    done = json.loads(result.stdout)
    files = sum(len(f["files"]) for f in done["newer"])
    assert fake.stats()["truncated"] == files  # every file's first download was cut …
    assert fake.stats()["downloads"] == 2 * files  # … and fetched again, whole
    assert register.meta("snapshot") == "2026-12-02"
    assert all(f["rows_rejected"] == 0 for f in done["files"])
    assert len(_rows(register)) == 300 + len(portal[1]["new"])


@pytest.mark.parametrize("how", ["down", "refused"])
def test_with_the_portal_down_nothing_changes_and_one_line_says_so(
    on_first: CliRunner, register: RegisterStore, portal: tuple[Path, Any], how: str
) -> None:
    before = _everything(register)
    if how == "down":
        _, server = _serving(portal[0], "down")
        with server:
            result = _update(on_first, server.url)
        url = server.url
    else:
        url = f"http://127.0.0.1:{free_port()}"
        result = _update(on_first, url)
    assert result.exit_code == 3, result.output
    assert result.stdout == "" and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith(f"Error: data portal {url}: package_search organization:onrc")
    assert result.stderr.rstrip().endswith("the register is unchanged (snapshot 2026-11-02)")
    assert _everything(register) == before


class _ShortFile(FakePortal):
    """A portal whose ``short`` file always comes cut at half."""

    short = "od_stare_firma.csv"

    def _file(self, resource_id: str, path: Path, size: int) -> Answer:
        answer = super()._file(resource_id, path, size)
        if path.name.lower() == self.short:
            return Answer(200, file=path, length=size // 2, content_type=answer.content_type)
        return answer


def test_a_file_that_stays_short_imports_nothing_and_the_next_try_uses_what_came(
    on_first: CliRunner, register: RegisterStore, portal: tuple[Path, Any], tmp_path: Path
) -> None:
    before = _everything(register)
    fake = _ShortFile(portal[0])
    with fake.serve() as server:
        result = _update(on_first, server.url)
    assert result.exit_code == 3, result.output
    assert "od_stare_firma.csv" in result.stderr and "where the portal lists" in result.stderr
    assert _everything(register) == before  # all files or none
    kept = tmp_path / "var" / "downloads" / SECOND
    assert (kept / "od_firme.csv").exists() and not (kept / "od_stare_firma.csv").exists()
    assert not list(kept.glob("*.part"))
    fake, server = _serving(portal[0])
    with server:
        result = _update(on_first, server.url, "--json", "--keep")
    assert result.exit_code == 0, result.output
    done = json.loads(result.stdout)
    assert f"{SECOND}/od_firme.csv" in done["reused"]
    assert done["downloads_kept"] == str(tmp_path / "var" / "downloads")
    assert (kept / "od_stare_firma.csv").exists()
    assert register.meta("snapshot") == "2026-12-02"


def test_an_empty_register_takes_the_newest_snapshot_and_mf_years(
    runner: CliRunner, register: RegisterStore, portal: tuple[Path, Any]
) -> None:
    _, server = _serving(portal[0])
    with server:
        result = _update(runner, server.url)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1].startswith(
        f"Updated from {server.url}: snapshot 2026-12-02, code tables 2026-12-02, MF 2024, "
        "MF 2025 (snapshot none → 2026-12-02); "
    )
    assert register.meta("snapshot") == "2026-12-02"


def test_the_portal_url_comes_from_the_setting_and_a_bad_one_is_refused(
    on_first: CliRunner, portal: tuple[Path, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[str] = []
    fake = FakePortal(portal[0])

    def handle(request: Request) -> Answer:
        seen.append(request.headers.get("user-agent", ""))
        return fake.handle(request)

    with serve(handle) as server:
        monkeypatch.setenv("FIRMSYNC_PORTAL_URL", server.url + "/api/3/action/")
        result = on_first.invoke(cli, ["registry", "update", "--check"])
    assert result.exit_code == 0, result.output
    assert seen and all(agent.startswith("firmsync/") for agent in seen)
    refused = _update(on_first, "data.gov.ro")
    assert refused.exit_code == 2
    assert refused.stderr == (
        "Refused: portal: 'data.gov.ro' is not an http(s) URL of a data portal\n"
    )


# --- the daily check -------------------------------------------------------------------------


def _utc(day: int, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2026, 12, day, hour, minute, tzinfo=datetime.UTC)


@pytest.fixture
def daily(on_first: CliRunner, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("FIRMSYNC_REGISTER_UPDATE", "03:30")  # 01:30 UTC in December
    return on_first


def test_the_daily_check_runs_once_a_day_at_its_time(
    daily: CliRunner, register: RegisterStore, portal: tuple[Path, Any], monkeypatch: Any
) -> None:
    fake, server = _serving(portal[0])
    with server:
        monkeypatch.setenv("FIRMSYNC_PORTAL_URL", server.url)
        assert next_check(_utc(3, 1)) == _utc(3, 1, 30)
        assert register_update_daily(now=_utc(3, 1, 29)) is None
        assert fake.stats() == {}  # not asked before its time
        done = register_update_daily(now=_utc(3, 1, 31))
        assert done is not None and done.snapshot == "2026-12-02"
        assert register.meta("snapshot") == "2026-12-02"
        assert next_check(_utc(3, 2)) == _utc(4, 1, 30)
        asked = fake.stats()
        assert register_update_daily(now=_utc(3, 23)) is None  # once a day
        assert fake.stats() == asked
        again = register_update_daily(now=_utc(4, 1, 30))  # the next day: nothing newer
        assert again is not None and again.imported is None and again.plan.fetch == []


def test_a_check_that_found_the_portal_down_is_tried_again_an_hour_later(
    daily: CliRunner, register: RegisterStore, portal: tuple[Path, Any], monkeypatch: Any
) -> None:
    _, down = _serving(portal[0], "down")
    with down:
        monkeypatch.setenv("FIRMSYNC_PORTAL_URL", down.url)
        with pytest.raises(Unavailable, match="the register is unchanged"):
            register_update_daily(now=_utc(3, 1, 30))
    assert next_check(_utc(3, 1, 40)) == _utc(3, 2, 30)
    fake, server = _serving(portal[0])
    with server:
        monkeypatch.setenv("FIRMSYNC_PORTAL_URL", server.url)
        assert register_update_daily(now=_utc(3, 2, 29)) is None
        assert fake.stats() == {}
        done = register_update_daily(now=_utc(3, 2, 30))
    assert done is not None and register.meta("snapshot") == "2026-12-02"


def test_off_never_checks_and_a_bad_time_is_refused(
    on_first: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FIRMSYNC_REGISTER_UPDATE", "off")
    assert next_check(_utc(3, 12)) is None
    assert register_update_daily(now=_utc(3, 12)) is None
    monkeypatch.setenv("FIRMSYNC_REGISTER_UPDATE", "3h30")
    with pytest.raises(Invalid, match="FIRMSYNC_REGISTER_UPDATE: '3h30' is not a time of day"):
        register_update_daily(now=_utc(3, 12))


def test_a_demos_sample_register_is_never_replaced_by_the_portals(
    on_first: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FIRMSYNC_REGISTER_UPDATE", "03:30")
    assert next_check(_utc(3, 12)) is not None
    from firmsync import conf

    (conf.load().data_dir / conf.DEMO_MARK).write_text("prepared by `firmsync demo`\n")
    assert next_check(_utc(3, 12)) is None
    assert register_update_daily(now=_utc(3, 12)) is None


def test_one_update_runs_at_a_time(
    daily: CliRunner, register: RegisterStore, portal: tuple[Path, Any], monkeypatch: Any
) -> None:
    fake, server = _serving(portal[0])
    other = configured_lease(REGISTER_UPDATE)  # another node's update, running
    assert other.acquire()
    with server:
        monkeypatch.setenv("FIRMSYNC_PORTAL_URL", server.url)
        try:
            refused = _update(daily, server.url)
            assert refused.exit_code == 1 and refused.stderr == (
                "Error: another register update is running; try again once it is done\n"
            )
            assert register_update_daily(now=_utc(3, 1, 30)) is None
            assert fake.stats() == {} and register.meta("snapshot") == "2026-11-02"
        finally:
            other.release()
        assert _update(daily, server.url).exit_code == 0


@pytest.mark.django_db
def test_the_worker_runs_the_daily_check(
    on_first: CliRunner, register: RegisterStore, portal: tuple[Path, Any], monkeypatch: Any
) -> None:
    from firmsync.enrichment import tasks
    from firmsync.enrichment.services.changes import CURSOR

    fake, server = _serving(portal[0])
    with server:
        monkeypatch.setenv("FIRMSYNC_PORTAL_URL", server.url)
        monkeypatch.setenv("FIRMSYNC_REGISTER_UPDATE", "00:00")  # always past, today
        tasks.register_update.call_local()
        assert register.meta("snapshot") == "2026-12-02"
        # … and the cards of the companies it changed were made due, up to its last change.
        newest = register.scalar("SELECT MAX(id) FROM fact_change")
        assert newest and register.meta(CURSOR) == str(newest)
        asked = fake.stats()
        tasks.register_update.call_local()  # done for today
        assert fake.stats() == asked


def _companies(store: RegisterStore, regs: list[str]) -> int:
    """How many companies (CUIs) the registrations ``regs`` are of."""
    cuis = dict(store.query("SELECT reg_number, cui FROM registration WHERE cui IS NOT NULL"))
    return len({cuis[reg] for reg in regs if reg in cuis})


def test_stats_show_the_last_update_and_the_next_check(
    daily: CliRunner, portal: tuple[Path, Any], monkeypatch: Any, register: RegisterStore
) -> None:
    def stats(now: datetime.datetime) -> dict[str, Any]:
        return register_stats(now=now)["update"]  # type: ignore[no-any-return]

    before = stats(_utc(3, 1))
    assert before["last"] is None and before["setting"] == "03:30"
    assert before["next_check"] == "2026-12-03T03:30+02:00"
    _, server = _serving(portal[0])
    with server:
        monkeypatch.setenv("FIRMSYNC_PORTAL_URL", server.url)
        assert register_update_daily(now=_utc(3, 1, 30)) is not None
    after = stats(_utc(3, 2))
    changes = portal[1]
    years = register.scalar("SELECT COUNT(DISTINCT cui) FROM financial WHERE year = 2025")
    brought = {
        "address": _companies(register, changes["moved"]),
        "financial_year": years,
        "name": _companies(register, changes["renamed"]),
        "new": _companies(register, changes["new"]),
        "status": _companies(register, changes["struck_off"]),
    }
    assert all(brought.values())
    assert after["last"] == {
        "at": "2026-12-03T01:30:00+00:00",
        "from": "2026-11-02",
        "to": "2026-12-02",
        "brought": ["snapshot 2026-12-02", "code tables 2026-12-02", "MF 2025"],
        "changes": brought,
    }
    assert after["next_check"] == "2026-12-04T03:30+02:00"
    text = daily.invoke(cli, ["registry", "stats"]).stdout.splitlines()
    assert (
        "Last update:    2026-12-03T01:30:00+00:00: snapshot 2026-12-02, code tables "
        "2026-12-02, MF 2025 (2026-11-02 → 2026-12-02)"
    ) in text
    assert "  it changed:   " + ", ".join(f"{k} {n:,}" for k, n in brought.items()) in text
    shown = json.loads(daily.invoke(cli, ["registry", "stats", "--json"]).stdout)["update"]
    assert f"Next check:     {shown['next_check']} (FIRMSYNC_REGISTER_UPDATE 03:30)" in text
    monkeypatch.setenv("FIRMSYNC_REGISTER_UPDATE", "off")
    assert stats(_utc(3, 2))["next_check"] is None
    assert "Next check:     off (FIRMSYNC_REGISTER_UPDATE off)" in (
        daily.invoke(cli, ["registry", "stats"]).stdout.splitlines()
    )
    monkeypatch.setenv("FIRMSYNC_REGISTER_UPDATE", "25:00")
    assert stats(_utc(3, 2))["error"] == (
        "FIRMSYNC_REGISTER_UPDATE: '25:00' is not a time of day (HH:MM) or off"
    )
