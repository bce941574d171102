"""``firmsync backup`` while a worker runs a backfill, ``firmsync restore`` into a fresh
deployment, and the restore's refusals.

The product's own processes, on SQLite files: the CRM, the queue and the name index are
always embedded here; the register is a SQLite file, or a PostgreSQL schema when the suite
runs on PostgreSQL (then the backup prints its ``pg_dump`` line, and the restore leaves it
where it is).
"""

from __future__ import annotations

import csv
import json
import os
import shlex
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from firmsync.cli import cli
from firmsync.enrichment.lease import FileLease
from firmsync.enrichment.services.backup import MANIFEST
from firmsync.matching.index import NameIndex
from firmsync.registry import read
from firmsync.registry.importer import import_paths
from firmsync.registry.sample import make_sample
from firmsync.registry.store import RegisterStore

from ..conftest import POSTGRES
from ..registry.snapshot import write_snapshot
from .conftest import TRADECENTER, deployment

FIRMSYNC = str(Path(sys.executable).with_name("firmsync"))
COMPANIES = 1_000  # in the register, each on COPIES cards
COPIES = 3
BY_NAME = 60  # cards with a name and no CUI: matched with the name index
STOPPED = 20  # cards with `x` for a CUI


def _run(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([FIRMSYNC, *args], env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, (args, done.stdout, done.stderr)
    return done.stdout


def _crm(env: dict[str, str]) -> Path:
    return Path(env["FIRMSYNC_DATABASE_URL"].removeprefix("sqlite:///"))


def _read(path: Path, query: str) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)) as connection:
        return connection.execute(query).fetchall()


def contents(crm: Path) -> dict[str, list[tuple[Any, ...]]]:
    """What a backup must keep of the CRM: the cards with their official data and locks,
    their sync states, the usage ledger and the months' statements."""
    return {
        "cards": _read(
            crm,
            "SELECT id, account_id, name, cui_input, cui, legal_name, reg_number, status, "
            "locked_fields FROM crm_company ORDER BY id",
        ),
        "states": _read(
            crm,
            "SELECT company_id, state, cui, method FROM enrichment_syncstate ORDER BY company_id",
        ),
        "usage": _read(
            crm,
            "SELECT account_id, month, cui, company_id, at FROM enrichment_usageentry ORDER BY id",
        ),
        "statements": _read(
            crm,
            "SELECT account_id, month, companies, closed_at, base, included, each "
            "FROM enrichment_usagemonth ORDER BY id",
        ),
    }


def _backfill(crm: Path) -> tuple[int, int]:
    """The backfill's progress as the product counts it: its total less the cards waiting."""
    ((total,),) = _read(crm, "SELECT backfill_total FROM enrichment_addonsettings")
    ((waiting,),) = _read(
        crm,
        "SELECT count(*) FROM crm_company AS c LEFT JOIN enrichment_syncstate AS s "
        "ON s.company_id = c.id WHERE s.id IS NULL OR s.state = 'pending'",
    )
    return max(0, total - waiting), total


@pytest.fixture
def sample_register(register_url: str, tmp_path: Path) -> Iterator[RegisterStore]:
    """A generated register of COMPANIES companies."""
    store = RegisterStore(register_url)
    make_sample(tmp_path / "sample", companies=COMPANIES, seed=5, workers=1)
    import_paths(store, [tmp_path / "sample"])
    yield store
    store.close()


def _client_list(store: RegisterStore, path: Path) -> None:
    """Every company of the register COPIES times, some names without a CUI, some `x`."""
    rows = [row for batch in read.registrations(store, ("name", "cui")) for row in batch]
    companies = sorted({(name, cui) for name, cui in rows if cui})
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["name", "cui"])
        for name, cui in companies:
            writer.writerows([[name, cui]] * COPIES)  # (counted as its first card syncs)
        for name, _ in companies[:BY_NAME]:
            writer.writerow([name, ""])
        for name, _ in companies[BY_NAME : BY_NAME + STOPPED]:
            writer.writerow([name, "x"])


def test_a_backup_taken_during_a_backfill_restores_complete(
    sample_register: RegisterStore, register_url: str, tmp_path: Path
) -> None:
    live = deployment(tmp_path / "live", register_url)
    NameIndex.build(sample_register, Path(live["FIRMSYNC_DATA_DIR"]) / "names", workers=1)
    _run(live, "migrate")
    _run(live, "account", "create", "Acme", "--plan", "professional", "--admin", "a@acme.ro")
    _client_list(sample_register, tmp_path / "clients.csv")
    _run(live, "company", "import", "Acme", str(tmp_path / "clients.csv"), "--keep-duplicates")
    cards = len(_read(_crm(live), "SELECT id FROM crm_company"))
    _run(live, "addon", "activate", "Acme")  # the backfill is queued
    worker = subprocess.Popen(
        [FIRMSYNC, "worker", "--workers", "1"], env=live, stderr=subprocess.DEVNULL
    )
    folder = tmp_path / "backup"
    try:
        deadline = time.monotonic() + 300
        while _backfill(_crm(live))[0] < 100:  # a batch of the backfill is in
            assert time.monotonic() < deadline and worker.poll() is None
            time.sleep(0.05)
        taken = _run(live, "backup", str(folder))
        assert _backfill(_crm(live))[0] < cards  # the backfill went on after the backup
        while _backfill(_crm(live)) != (cards, cards):
            assert time.monotonic() < deadline and worker.poll() is None
            time.sleep(0.2)
    finally:
        worker.send_signal(signal.SIGINT)
        assert worker.wait(timeout=30) == 0
    final = contents(_crm(live))

    # The backup: private, whole, and the CRM as of one moment of the backfill.
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert {stat.S_IMODE(p.stat().st_mode) for p in folder.rglob("*") if p.is_file()} == {0o600}
    manifest = json.loads((folder / MANIFEST).read_text())
    copied = ["crm", "names", "queue"] + ([] if POSTGRES else ["register"])
    assert all(manifest["parts"][name]["files"] for name in copied)
    held = contents(folder / "crm.sqlite3")
    assert len(held["cards"]) == cards
    assert 100 <= len(held["states"]) < cards  # some cards synced, not all: mid-backfill
    synced = [row for row in held["states"] if row[1] == "synced"]
    # Cards, states, locks, usage and statements are written by one transaction a batch:
    # a copy of one moment has every synced card's locks and usage, and counts that agree.
    locks = {row[0]: json.loads(row[-1]) for row in held["cards"]}
    assert all(locks[card_id] for card_id, *_ in synced)
    assert {row[2] for row in synced} == {row[2] for row in held["usage"]}
    assert [row[2] for row in held["statements"]] == [len(held["usage"])]
    # Nothing in the backup is missing from the live CRM the backfill went on writing.
    assert [row[:3] for row in held["cards"]] == [row[:3] for row in final["cards"]]
    assert set(held["usage"]) <= set(final["usage"]) and len(held["usage"]) < len(final["usage"])
    finished = {row[0]: row for row in final["cards"]}
    for row in held["cards"]:
        if locks[row[0]]:
            assert finished[row[0]] == row  # synced before the backup, not since
    if POSTGRES:
        line = next(line for line in taken.splitlines() if "pg_dump" in line)
        assert line.startswith("To back up the register (PostgreSQL): pg_dump --format=custom")
        assert shlex.split(line.partition(": ")[2])[-1] == register_url
    else:
        assert "pg_dump" not in taken

    # Restored into a fresh deployment: everything the backup holds, read through firmsync.
    fresh = deployment(tmp_path / "fresh", register_url)
    if not POSTGRES:
        fresh["FIRMSYNC_REGISTER_URL"] = f"sqlite:///{tmp_path}/fresh/registry.sqlite3"
    restored = _run(fresh, "restore", str(folder))
    assert ("pg_restore" in restored) == POSTGRES
    assert contents(_crm(fresh)) == held
    jobs = "SELECT id, queue, data, priority FROM task ORDER BY id"
    queue = Path(fresh["FIRMSYNC_QUEUE_URL"].removeprefix("sqlite:///"))
    assert _read(queue, jobs) == _read(folder / "queue.sqlite3", jobs) != []  # batches waiting
    usage = json.loads(_run(fresh, "usage", "Acme", "--json"))
    assert usage["companies"] == len(held["usage"])
    card_id, _, cui, _ = synced[0]
    shown = json.loads(_run(fresh, "company", "show", str(card_id), "--json"))
    assert shown["legal_name"] == finished[card_id][5] and shown["locked_fields"]
    assert json.loads(_run(fresh, "registry", "show", cui, "--json"))["cui"] == cui
    card_names = {row[0]: row[2] for row in final["cards"]}
    card_id, _, cui, _ = next(r for r in final["states"] if r[1:4:2] == ("synced", "name"))
    matched = json.loads(_run(fresh, "match", card_names[card_id], "--json"))
    assert (matched["decision"], matched["cui"]) == ("linked", cui)  # the name index is back
    # The restored deployment finishes the backfill and ends where the live one did, but
    # for the cards the job running at the backup's moment had claimed: they wait for the
    # claim to expire (two minutes), as after any job cut short.
    claimed = {
        card_id
        for (card_id,) in _read(
            folder / "crm.sqlite3", "SELECT company_id FROM enrichment_syncstate WHERE claim != ''"
        )
    }
    assert len(claimed) <= 100  # one batch at most: the one job running
    _run(fresh, "sync", "run", "--account", "Acme")
    after = contents(_crm(fresh))
    expected = {r[0]: r[1:3] for r in final["states"]} | {c: ("pending", "") for c in claimed}
    assert {r[0]: r[1:3] for r in after["states"]} == expected
    assert {r[2] for r in after["usage"]} <= {r[2] for r in final["usage"]}


# --- refusals, on a small embedded deployment --------------------------------------------
def embedded(root: Path) -> dict[str, str]:
    """The variables of an embedded deployment under ``root``: every store a SQLite file."""
    data = root / "var"
    return {
        "FIRMSYNC_DATA_DIR": str(data),
        "FIRMSYNC_DATABASE_URL": f"sqlite:///{data}/firmsync.sqlite3",
        "FIRMSYNC_REGISTER_URL": f"sqlite:///{data}/registry.sqlite3",
        "FIRMSYNC_QUEUE_URL": f"sqlite:///{data}/queue.sqlite3",
    }


def _cards(env: dict[str, str]) -> list[tuple[Any, ...]]:
    return _read(_crm(env), "SELECT name FROM card ORDER BY name")


def _add_card(env: dict[str, str], name: str) -> None:
    with closing(sqlite3.connect(_crm(env))) as connection, connection:
        connection.execute("INSERT INTO card VALUES (?)", (name,))


@pytest.fixture
def small(tmp_path: Path) -> dict[str, str]:
    """A deployment with a CRM of two cards (a plain table: the files are what counts
    here), a queue, the test register and its name index."""
    env = embedded(tmp_path / "small")
    data = Path(env["FIRMSYNC_DATA_DIR"])
    data.mkdir(parents=True)
    with closing(sqlite3.connect(_crm(env))) as connection, connection:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("CREATE TABLE card (name TEXT)")
    for name in ("Acme", "Beta"):
        _add_card(env, name)
    with closing(sqlite3.connect(data / "queue.sqlite3")) as connection, connection:
        connection.execute("CREATE TABLE task (id INTEGER PRIMARY KEY, data BLOB)")
    store = RegisterStore(env["FIRMSYNC_REGISTER_URL"])
    import_paths(
        store, [write_snapshot(tmp_path / "snapshot")], reports_dir=data / "import-reports"
    )
    NameIndex.build(store, data / "names", workers=1)
    store.close()
    return env


def _invoke(env: dict[str, str], *args: str) -> Any:
    return CliRunner(env=env).invoke(cli, list(args))


def _refused(result: Any, *words: str) -> None:
    """One line on stderr naming the problem, exit 2, no traceback."""
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("Refused: ") and result.stderr.count("\n") == 1
    assert all(word in result.stderr for word in words), result.stderr


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_restore_refuses_a_missing_or_incomplete_backup_and_touches_nothing(
    small: dict[str, str], tmp_path: Path
) -> None:
    folder = tmp_path / "backup"
    assert _invoke(small, "backup", str(folder)).exit_code == 0
    target = embedded(tmp_path / "target")
    _refused(_invoke(target, "restore", str(tmp_path / "nowhere")), "no backup")
    (folder / MANIFEST).rename(tmp_path / MANIFEST)  # as a backup cut short leaves it
    _refused(_invoke(target, "restore", str(folder)), "not a complete backup", MANIFEST)
    (tmp_path / MANIFEST).rename(folder / MANIFEST)
    manifest = (folder / MANIFEST).read_text()
    (folder / MANIFEST).write_text(manifest.replace('"names/meta.json"', '"names/../../x"'))
    _refused(_invoke(target, "restore", str(folder)), "not a manifest this firmsync reads")
    (folder / MANIFEST).write_text(manifest)
    crm = folder / "crm.sqlite3"
    whole = crm.read_bytes()
    crm.write_bytes(whole[:-1000])
    _refused(_invoke(target, "restore", str(folder)), "incomplete", "crm.sqlite3")
    crm.write_bytes(whole[:-1] + bytes([whole[-1] ^ 1]))  # as long, one bit off
    # (over the small deployment itself, forced: the files before the damaged CRM are
    # copied and checked, then dropped; nothing of the deployment changes)
    before = _files(Path(small["FIRMSYNC_DATA_DIR"]))
    _refused(_invoke(small, "restore", str(folder), "--force"), "damaged", "crm.sqlite3")
    assert _files(Path(small["FIRMSYNC_DATA_DIR"])) == before
    _refused(_invoke(target, "restore", str(folder)), "damaged", "crm.sqlite3")
    assert list(Path(target["FIRMSYNC_DATA_DIR"]).rglob("*")) == []


def test_restore_replaces_data_only_when_forced_and_never_under_a_running_worker(
    small: dict[str, str], tmp_path: Path
) -> None:
    folder = tmp_path / "backup"
    made = _invoke(small, "backup", str(folder), "--json")
    assert made.exit_code == 0, made.output
    assert json.loads(made.stdout)["parts"]["register"]["store"] == "sqlite"
    # A card added after the backup, and the write-ahead log of a process that died while it
    # held it: SQLite would read that log into whatever file it found beside it.
    crm = _crm(small)
    with closing(sqlite3.connect(crm)) as connection:
        connection.execute("PRAGMA wal_autocheckpoint=0")
        with connection:
            connection.execute("INSERT INTO card VALUES ('Gamma')")
        log = Path(f"{crm}-wal").read_bytes()
    Path(f"{crm}-wal").write_bytes(log)
    (Path(small["FIRMSYNC_DATA_DIR"]) / "names" / "meta.json").unlink()
    _refused(_invoke(small, "restore", str(folder)), "holds data", "--force")
    assert _cards(small) == [("Acme",), ("Beta",), ("Gamma",)]
    worker = FileLease(Path(small["FIRMSYNC_DATA_DIR"]) / "anaf-fetcher.lock")
    assert worker.acquire()  # as a running worker's fetcher holds it
    try:
        _refused(_invoke(small, "restore", str(folder), "--force"), "worker is running")
    finally:
        worker.release()
    restored = _invoke(small, "restore", str(folder), "--force")
    assert restored.exit_code == 0, restored.output
    assert _cards(small) == [("Acme",), ("Beta",)]  # (the old log was not read into it)
    data = Path(small["FIRMSYNC_DATA_DIR"])
    assert not [p for p in data.iterdir() if p.name.endswith((".restoring", ".replaced"))]
    shown = _invoke(small, "registry", "show", TRADECENTER, "--json")
    assert json.loads(shown.stdout)["cui"] == TRADECENTER
    matched = _invoke(small, "match", "TRADECENTER", "--json")
    assert json.loads(matched.stdout)["cui"] == TRADECENTER  # the index is whole again


def test_backup_refuses_a_folder_in_use_and_a_deployment_without_a_crm(
    small: dict[str, str], tmp_path: Path
) -> None:
    used = tmp_path / "used"
    used.mkdir()
    (used / "notes.txt").write_text("mine")
    _refused(_invoke(small, "backup", str(used)), "not an empty folder")
    assert [p.name for p in used.iterdir()] == ["notes.txt"]
    _refused(_invoke(embedded(tmp_path / "none"), "backup", str(tmp_path / "b")), "no CRM")
    assert not (tmp_path / "b").exists()


def test_what_postgresql_and_redis_hold_is_said_one_line_each(
    register: RegisterStore, tmp_path: Path
) -> None:
    """The CRM and the register in one PostgreSQL database, the queue in Redis: the backup
    copies the name index and prints one ``pg_dump`` line, its password left out; the
    restore prints the matching ``pg_restore``. On PostgreSQL the lines are run."""
    url = (
        os.environ["FIRMSYNC_DATABASE_URL"]
        if POSTGRES
        else "postgres://firmsync:s3cret@db.example:5432/crm"
    )
    env = {
        "FIRMSYNC_DATA_DIR": str(tmp_path / "var"),
        "FIRMSYNC_DATABASE_URL": url,
        "FIRMSYNC_REGISTER_URL": url,
        "FIRMSYNC_QUEUE_URL": "redis://127.0.0.1:6379/14",
    }
    NameIndex.build(register, tmp_path / "var" / "names", workers=1)
    folder = tmp_path / "backup"
    taken = _invoke(env, "backup", str(folder))
    assert taken.exit_code == 0, taken.output
    lines = taken.stdout.splitlines()
    dumps = [line for line in lines if "pg_dump" in line]
    assert len(dumps) == 1 and "s3cret" not in taken.output + (folder / MANIFEST).read_text()
    prefix = "To back up the CRM and the register (PostgreSQL): "
    assert dumps[0].startswith(prefix)
    dump = shlex.split(dumps[0].removeprefix(prefix))
    assert dump[:3] == ["pg_dump", "--format=custom", f"--file={folder / 'firmsync.pgdump'}"]
    assert sum("Redis" in line for line in lines) == 1
    parts = json.loads((folder / MANIFEST).read_text())["parts"]
    assert [parts[p]["store"] for p in ("crm", "register", "queue")] == [
        "postgresql",
        "postgresql",
        "redis",
    ]

    fresh = {**env, "FIRMSYNC_DATA_DIR": str(tmp_path / "fresh")}
    back = _invoke(fresh, "restore", str(folder))
    assert back.exit_code == 0, back.output
    (line,) = [line for line in back.stdout.splitlines() if "pg_restore" in line]
    prefix = "To restore the CRM and the register (PostgreSQL): "
    assert line.startswith(prefix)
    restore = shlex.split(line.removeprefix(prefix))
    assert restore[-1] == str(folder / "firmsync.pgdump") and "s3cret" not in line
    indexed = _files(tmp_path / "var" / "names")
    assert _files(tmp_path / "fresh" / "names") == {  # (tantivy's locks: made when used)
        path: data for path, data in indexed.items() if not path.endswith(".lock")
    }
    if POSTGRES:  # the printed commands, run: a row deleted after the dump comes back
        assert subprocess.run(dump, check=False).returncode == 0
        register.execute(f"DELETE FROM registration WHERE cui = {register.mark}", (TRADECENTER,))
        assert subprocess.run(restore, check=False).returncode == 0
        assert read.newest_registration(register, TRADECENTER) is not None
