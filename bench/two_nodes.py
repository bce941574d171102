"""Benchmark: two nodes share one deployment, and survive being killed.

    python bench/two_nodes.py [--cards 100000] [--accounts 50] [--companies 60000]
                              [--kills 20] [--anaf-rate 10] [--phases one,two,faults]
                              [--sources register,anaf] [--postgres URL --redis URL]

A node is what one machine of a deployment runs: ``firmsync worker`` with a data folder of
its own (its own name index, built from the shared register), sharing the PostgreSQL
database (the CRM and the register) and the Redis queue with the other node. The sources
are the register and a fake ANAF (its own process, 100 CUIs a request, ``--anaf-rate``
requests a second, counting every request that comes sooner than the rate allows); the
deployment's one ANAF fetcher is whichever node holds the lease. ``--sources register``
leaves ANAF out: what is measured is then the nodes' own work and their contention (claims,
locks, the queue), not ANAF's rate.

Each phase starts from a fresh database (``<name>_two_nodes``, dropped after): the sample
register imported, ``--accounts`` accounts with ``--cards`` cards between them (each card
the CUI of an active company, drawn at random, so accounts share companies), then every
account activated at once. Timed from the activations to the last card synced:

- ``one``: one node, ``firmsync worker --workers 2``;
- ``two``: two nodes, ``--workers 1`` each (the same CPU: what it measures is contention);
- ``faults``: two nodes while ``--kills`` times one node is killed with SIGKILL — every
  other time its main process alone (its job processes and fetcher must end by
  themselves), otherwise all its processes — and started again a second later; once,
  half-way, every database connection is dropped (``pg_terminate_backend``).

Checked in every phase: every card synced; no card synced twice (the cards the nodes' jobs
and sweeps log as synced add up to the cards); each account's month counts each company
once (its count equals its usage entries and its cards' distinct CUIs); no ANAF request
sooner than the rate allows; no process of a node left once it was killed or stopped.
Prints figures and the checks, and the phases' throughput side by side; exits 1 if a check
failed. (A node killed mid-batch may have written a batch whose log line it never wrote:
in ``faults`` the count is a floor, and the check is that it is not above the cards.)
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from databases import drop_database, env_url, fresh_database

FIRMSYNC = str(Path(sys.executable).with_name("firmsync"))
PHASES = {"one": [2], "two": [1, 1], "faults": [1, 1]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--accounts", type=int, default=50)
    parser.add_argument("--companies", type=int, default=60_000)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--kill-every", type=float, default=8.0, help="seconds between kills")
    parser.add_argument("--anaf-rate", type=float, default=10.0)
    parser.add_argument("--phases", default="one,two,faults")
    parser.add_argument("--sources", default="register,anaf", choices=["register,anaf", "register"])
    parser.add_argument("--timeout", type=float, default=3600.0, help="seconds a phase may take")
    parser.add_argument("--postgres", default=env_url("FIRMSYNC_DATABASE_URL", "postgres"))
    parser.add_argument("--redis", default=env_url("FIRMSYNC_QUEUE_URL", "redis"))
    parser.add_argument("--phase", help=argparse.SUPPRESS)  # (a phase's process)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        sys.exit(0 if run_phase(args, Path(args.folder)) else 1)
    if not (args.postgres and args.redis):
        raise SystemExit("two nodes share PostgreSQL and Redis: give --postgres and --redis")
    folder = Path(tempfile.mkdtemp(prefix="firmsync-two-nodes-"))
    from firmsync.registry.sample import make_sample

    make_sample(folder / "sample", companies=args.companies)
    base = {k: v for k, v in os.environ.items() if not k.startswith("FIRMSYNC_")}
    base["FIRMSYNC_REGISTER_UPDATE"] = "off"  # (a sample register: never the portal's)
    failed = False
    for name in args.phases.split(","):
        database = fresh_database(args.postgres, "two_nodes")
        env = {
            **base,
            "FIRMSYNC_DATABASE_URL": database,
            "FIRMSYNC_REGISTER_URL": database,
            "FIRMSYNC_QUEUE_URL": args.redis,
            "FIRMSYNC_DATA_DIR": str(folder / name / "bench"),
        }
        command = [sys.executable, __file__, *sys.argv[1:], "--phase", name]
        try:
            done = subprocess.run([*command, "--folder", str(folder / name)], env=env)
            failed |= done.returncode != 0
        finally:
            drop_database(database)
    summary(folder, args.phases.split(","))
    sys.exit(1 if failed else 0)


@dataclass
class Node:
    name: str
    folder: Path
    workers: int
    env: dict[str, str]
    process: subprocess.Popen[bytes] | None = None
    started: int = 0

    def start(self) -> None:
        log = (self.folder / "worker.log").open("ab")
        command = [FIRMSYNC, "worker", "--workers", str(self.workers)]
        self.process = subprocess.Popen(
            command, env=self.env, stdout=log, stderr=log, start_new_session=True
        )
        self.started += 1

    def pids(self) -> set[int]:
        """Every process of this node: those whose environment names its data folder."""
        mine = f"FIRMSYNC_DATA_DIR={self.folder}".encode()
        found = set()
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                if mine in (entry / "environ").read_bytes().split(b"\0"):
                    found.add(int(entry.name))
            except OSError:
                continue  # gone, or not ours to read
        return found

    def kill(self, *, main_only: bool) -> None:
        assert self.process is not None
        targets = {self.process.pid} if main_only else self.pids()
        for pid in targets:
            with contextlib.suppress(ProcessLookupError):  # (ended meanwhile)
                os.kill(pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.kill(main_only=False)

    def left(self, within: float = 10.0) -> set[int]:
        """The node's processes still alive ``within`` seconds after its main one ended."""
        deadline = time.monotonic() + within
        while (alive := self.pids()) and time.monotonic() < deadline:
            time.sleep(0.1)
        return alive


@dataclass
class Report:
    seconds: float = 0.0
    kills: int = 0
    terminated: int = 0
    orphans: list[int] = field(default_factory=list)
    checks: list[tuple[str, bool, str]] = field(default_factory=list)

    def check(self, name: str, ok: bool, detail: str) -> None:
        self.checks.append((name, ok, detail))


def run_phase(args: argparse.Namespace, folder: Path) -> bool:
    """One phase on the database the environment names; whether every check held."""
    os.environ["FIRMSYNC_SOURCES"] = args.sources
    os.environ["FIRMSYNC_ANAF_RATE"] = str(args.anaf_rate)
    os.environ["DJANGO_SETTINGS_MODULE"] = "firmsync.project.settings"
    folder.mkdir(parents=True, exist_ok=True)
    cuis = prepare_register(folder)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from huey.contrib.djhuey import HUEY

    HUEY.flush()  # (a Redis database used before)
    accounts = make_accounts(args, cuis)
    from firmsync.sources.fake.server import fake_anaf_process

    fake_env = {**os.environ, "FIRMSYNC_DATA_DIR": str(folder / "fake")}
    options = ("--rate", str(args.anaf_rate))
    with fake_anaf_process(*options, env=fake_env) as anaf:
        nodes = make_nodes(args, folder, anaf)
        report = Report()
        try:
            for node in nodes:
                node.start()
            report.seconds = backfill(args, accounts, nodes, report)
        finally:
            for node in nodes:
                node.stop()
                report.orphans += sorted(node.left())
        stats = urllib.request.urlopen(f"{anaf}/__stats").read().decode()
    return verdict(args, accounts, nodes, report, stats)


def prepare_register(folder: Path) -> list[str]:
    """The sample imported into the shared register; its active companies' CUIs."""
    from firmsync import conf
    from firmsync.registry.importer import import_paths
    from firmsync.registry.read import active_with_financials
    from firmsync.registry.store import RegisterStore

    store = RegisterStore(conf.load().register_url)
    started = time.perf_counter()
    import_paths(store, [folder.parent / "sample"])
    print(f"  register imported in {time.perf_counter() - started:.1f} s")
    cuis = active_with_financials(store)
    store.close()
    return cuis


def make_nodes(args: argparse.Namespace, folder: Path, anaf: str) -> list[Node]:
    """The phase's nodes, each with its name index built from the shared register."""
    from firmsync import conf
    from firmsync.matching.index import NameIndex
    from firmsync.registry.store import RegisterStore

    nodes = []
    store = RegisterStore(conf.load().register_url)
    for number, workers in enumerate(PHASES[args.phase], start=1):
        node_folder = folder / f"node{number}"
        started = time.perf_counter()
        NameIndex.build(store, node_folder / "names", workers=1)
        print(f"  node {number}: name index built in {time.perf_counter() - started:.1f} s")
        env = {**os.environ, "FIRMSYNC_DATA_DIR": str(node_folder), "FIRMSYNC_ANAF_BASE_URL": anaf}
        nodes.append(Node(f"node {number}", node_folder, workers, env))
    store.close()
    return nodes


def make_accounts(args: argparse.Namespace, cuis: list[str]) -> list[int]:
    """``--accounts`` accounts sharing ``--cards`` cards, not yet activated."""
    from firmsync.crm.models import Account, Company
    from firmsync.identity import cui as cui_id

    chooser = random.Random(1)
    valid = [cui for cui in cuis if cui_id.is_valid(cui)]  # (a wrong check digit: stopped)
    pool = valid[: max(args.cards // args.accounts * 5, 1)]
    ids = []
    for number in range(args.accounts):
        account = Account.objects.create(name=f"Client {number}", plan=Account.Plan.PROFESSIONAL)
        count = args.cards // args.accounts + (number < args.cards % args.accounts)
        chosen = chooser.sample(pool, min(count, len(pool)))
        Company.objects.bulk_create(
            (Company(account=account, name=f"F {c}", cui_input=c, cui=c) for c in chosen),
            batch_size=2_000,
        )
        ids.append(account.pk)
    return ids


def backfill(
    args: argparse.Namespace, accounts: list[int], nodes: list[Node], report: Report
) -> float:
    """Activate every account, then wait for the last card (killing nodes in ``faults``)."""
    from django.db import connection

    from firmsync.crm.models import Account, Company
    from firmsync.enrichment.models import SyncState
    from firmsync.enrichment.services.addon import activate

    total = Company.objects.count()
    time.sleep(3)  # the nodes are up
    started = time.perf_counter()
    for account in Account.objects.filter(pk__in=accounts):
        activate(account, None)
    chooser = random.Random(2)
    next_kill = started + chooser.uniform(2, args.kill_every)
    shown = started
    while True:
        now = time.perf_counter()
        synced = SyncState.objects.filter(state=SyncState.State.SYNCED).count()
        if synced >= total:
            return time.perf_counter() - started
        if now - started > args.timeout:
            print(f"  timed out with {synced:,} of {total:,} cards synced")
            return now - started
        if now - shown >= 15:
            print(f"  {now - started:6.0f} s: {synced:,} of {total:,} cards synced")
            shown = now
        if args.phase == "faults" and report.kills < args.kills and now >= next_kill:
            if report.kills == args.kills // 2:  # (both nodes up: every connection they hold)
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    )
                    report.terminated = cursor.fetchone()[0]
            node = chooser.choice(nodes)
            main_only = report.kills % 2 == 0
            node.kill(main_only=main_only)
            report.kills += 1
            report.orphans += sorted(node.left())
            time.sleep(1)
            node.start()
            print(
                f"  {now - started:6.0f} s: kill {report.kills} ({node.name}, "
                f"{'its main process' if main_only else 'all its processes'})"
            )
            pause = chooser.uniform(args.kill_every / 2, args.kill_every * 1.5)
            next_kill = time.perf_counter() + pause
        time.sleep(0.5)


def verdict(
    args: argparse.Namespace, accounts: list[int], nodes: list[Node], report: Report, stats: str
) -> bool:
    from django.db.models import Count

    from firmsync.crm.models import Company
    from firmsync.enrichment.models import SyncState, UsageEntry, UsageMonth

    total = Company.objects.count()
    states = dict(SyncState.objects.values_list("state").annotate(n=Count("pk")))
    report.check("every card synced", states.get("synced", 0) == total, f"{states} of {total:,}")
    wrong = []
    for account in accounts:
        cuis = Company.objects.filter(account_id=account).values("cui").distinct().count()
        entries = UsageEntry.objects.filter(account_id=account).count()
        months = UsageMonth.objects.filter(account_id=account)
        counted = sum(months.values_list("companies", flat=True))
        if not cuis == entries == counted:
            wrong.append(f"account {account}: {cuis} firms, {entries} billed, {counted} counted")
    report.check("each company billed once per account", not wrong, "; ".join(wrong[:3]) or "all")
    logged = synced_in_logs(nodes)
    twice = logged > total if args.phase == "faults" else logged != total
    report.check("no card synced twice", not twice, f"{logged:,} syncs logged for {total:,} cards")
    anaf = json.loads(stats)
    report.check("no ANAF request sooner than the rate", anaf["violations"] == 0, stats)
    report.check("no process left behind", not report.orphans, str(report.orphans) or "none")
    name = {"one": "one node, 2 processes", "two": "two nodes, 1 process each"}.get(
        args.phase, f"two nodes, {report.kills} kills, {report.terminated} connections dropped"
    )
    print(
        f"== {name}: {total:,} cards in {report.seconds:.1f} s = "
        f"{total / report.seconds:,.0f} cards/s; node starts {[n.started for n in nodes]}"
    )
    for check, ok, detail in report.checks:
        print(f"  {'ok  ' if ok else 'FAIL'} {check}: {detail}")
    result = {"name": name, "seconds": report.seconds, "cards": total}
    (nodes[0].folder.parent / "result.json").write_text(json.dumps(result))
    return all(ok for _, ok, _ in report.checks)


def synced_in_logs(nodes: list[Node]) -> int:
    """The cards the nodes' jobs and sweeps logged as synced (``… N synced of …``)."""
    found = 0
    for node in nodes:
        text = (node.folder / "worker.log").read_text(errors="replace")
        found += sum(int(n) for n in re.findall(r"(\d+) synced of \d+", text))
    return found


def summary(folder: Path, phases: list[str]) -> None:
    """The phases' throughput side by side, each against the first."""
    results = {}
    for phase in phases:
        path = folder / phase / "result.json"
        if path.exists():
            results[phase] = json.loads(path.read_text())
    if not results:
        return
    first = next(iter(results.values()))
    print("\nphase                                      cards/s   × the first")
    for result in results.values():
        rate = result["cards"] / result["seconds"]
        ratio = rate / (first["cards"] / first["seconds"])
        print(f"{result['name']:<42} {rate:>7,.0f}   {ratio:.2f}")


if __name__ == "__main__":
    main()
