"""Benchmark: the backfill after activation, on SQLite and on PostgreSQL + Redis, side by side.

    python bench/backfill.py [--cards 10000] [--anaf-cards 2000] [--companies 50000]
                             [--workers 2] [--runs 1] [--database sqlite|postgres|both]
                             [--postgres URL] [--redis URL]

Generates a sample register (once, in a temporary data folder), then on each backend —
SQLite files for the CRM, the register and the queue; and a PostgreSQL database of its own
(``--postgres``'s server, or ``FIRMSYNC_DATABASE_URL``'s: the URL's name with ``_backfill``,
made afresh and dropped after) for the CRM and the register, with the queue on Redis
(``--redis``, or ``FIRMSYNC_QUEUE_URL``) — it imports the register, then measures, ``--runs``
times, the backends in turns (each run in a process of its own, SQLite first in odd runs,
PostgreSQL first in even ones: the runs are paired):

1. ``--cards`` cards of one account, each with the CUI of a registered company, synced
   from the register alone (``FIRMSYNC_SOURCES=register``) in batches of 100 in this one
   process: cards/s;
2. the same cards in another account, through the product's path: activation queues the
   backfill job, ``firmsync worker --workers N`` (its own processes) syncs its batches side
   by side: cards/s from the job's start to the last card;
3. in the first run only, ``--anaf-cards`` cards of a third account the same way, from the
   register and the fake ANAF (its own process, 100 CUIs per request, 1 request/s), the
   register holding their financials: wall time and ANAF requests.

A run's accounts are deleted at its end, so every run starts from the same database. Prints
each run's figures, then each backend's median and the ratio PostgreSQL / SQLite (of the
seconds a card takes: 1.5× means PostgreSQL is a third slower). Exits 1 if a run's cards
were not all synced; asserts nothing of the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from databases import drop_database, env_url, fresh_database

BACKENDS = {"sqlite": "SQLite", "postgres": "PostgreSQL + Redis"}
FIGURES = {"process": "one process", "worker": "through the worker"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cards", type=int, default=10_000)
    parser.add_argument("--anaf-cards", type=int, default=2_000)
    parser.add_argument("--companies", type=int, default=50_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument(
        "--postgres",
        default=env_url("FIRMSYNC_DATABASE_URL", "postgres")
        or "postgres://postgres@127.0.0.1:5432/firmsync",
    )
    parser.add_argument(
        "--redis", default=env_url("FIRMSYNC_QUEUE_URL", "redis") or "redis://127.0.0.1:6379/13"
    )
    parser.add_argument("--on", help=argparse.SUPPRESS)  # (a run's process: its folder)
    parser.add_argument("--run", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.on:
        measure(args, Path(args.on))
        return
    folder = Path(tempfile.mkdtemp(prefix="firmsync-backfill-"))
    from firmsync.registry.sample import make_sample

    make_sample(folder / "sample", companies=args.companies)
    backends = list(BACKENDS) if args.database == "both" else [args.database]
    base = {k: v for k, v in os.environ.items() if not k.startswith("FIRMSYNC_")}
    base["FIRMSYNC_REGISTER_UPDATE"] = "off"  # (a sample register: never the portal's)
    environments = {"sqlite": base}
    database = fresh_database(args.postgres, "backfill") if "postgres" in backends else None
    if database:
        environments["postgres"] = {
            **base,
            "FIRMSYNC_DATABASE_URL": database,
            "FIRMSYNC_REGISTER_URL": database,
            "FIRMSYNC_QUEUE_URL": args.redis,
        }
    command = [sys.executable, __file__, *sys.argv[1:]]
    figures: dict[str, list[dict[str, float]]] = {backend: [] for backend in backends}
    failed = False
    try:
        for run in range(1, args.runs + 1):
            for backend in backends if run % 2 else reversed(backends):
                result = folder / f"{backend}-{run}.json"
                on = ["--on", str(folder / backend), "--run", str(run)]
                done = subprocess.run([*command, *on], env=environments[backend])
                failed |= done.returncode != 0
                if result.exists():
                    figures[backend].append(json.loads(result.read_text()))
    finally:
        if database:
            drop_database(database)
    summary(args, figures)
    sys.exit(1 if failed else 0)


def summary(args: argparse.Namespace, figures: dict[str, list[dict[str, float]]]) -> None:
    """Each backend's median cards/s (and its runs'), and PostgreSQL's ratio to SQLite."""
    print(f"\n{args.cards:,} cards, register only, median of {args.runs} run(s); cards/s (runs)")
    medians: dict[str, dict[str, float]] = {}
    for backend, runs in figures.items():
        medians[backend] = {}
        cells = []
        for figure, label in FIGURES.items():
            values = [run[figure] for run in runs if figure in run]
            if not values:
                cells.append(f"{label} -")
                continue
            medians[backend][figure] = statistics.median(values)
            listed = " ".join(f"{value:,.0f}" for value in values)
            cells.append(f"{label} {medians[backend][figure]:,.0f} ({listed})")
        print(f"  {BACKENDS[backend]:<19} " + "; ".join(cells))
    if len(medians) == 2:
        ratios = []
        for figure, label in FIGURES.items():
            sqlite, postgres = medians["sqlite"].get(figure), medians["postgres"].get(figure)
            if sqlite and postgres:
                ratios.append(f"{label} {sqlite / postgres:.2f}×")
        print(f"  PostgreSQL / SQLite (time a card) {'; '.join(ratios)}")


def measure(args: argparse.Namespace, folder: Path) -> None:
    """One run's figures on the backend the environment names (SQLite files under
    ``folder``), written to ``<folder>-<run>.json``; exits 1 if a card was left unsynced."""
    os.environ["FIRMSYNC_DATA_DIR"] = str(folder)
    os.environ["FIRMSYNC_SOURCES"] = "register"
    os.environ["DJANGO_SETTINGS_MODULE"] = "firmsync.project.settings"
    backend = "PostgreSQL + Redis" if "FIRMSYNC_DATABASE_URL" in os.environ else "SQLite"
    cuis = register(folder)
    need = args.cards + args.anaf_cards
    if len(cuis) < need:
        raise SystemExit(f"the sample has {len(cuis)} such companies; raise --companies")

    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from huey.contrib.djhuey import HUEY

    HUEY.flush()  # (a Redis database used before)
    from firmsync.crm.models import Account, Company
    from firmsync.enrichment.engine import configured_engine
    from firmsync.enrichment.models import AddonSettings, SyncState
    from firmsync.enrichment.services.addon import activate
    from firmsync.enrichment.services.claims import DUE_STATES
    from firmsync.enrichment.services.sync import sync_cards

    made: list[int] = []  # the run's accounts, deleted at its end

    def account_with(name: str, chosen: list[str], *, queue: bool) -> list[Company]:
        """An account with a card a CUI; activated, the backfill queued (``queue``) or not."""
        account = Account.objects.create(name=name, plan=Account.Plan.PROFESSIONAL)
        made.append(account.pk)
        Company.objects.bulk_create(
            Company(account=account, name=f"Client {cui}", cui_input=cui, cui=cui) for cui in chosen
        )
        activate(account, None, **({} if queue else {"start_backfill": lambda _: None}))
        return list(Company.objects.filter(account=account).select_related("account"))

    def in_this_process(cards: list[Company]) -> float:
        engine = configured_engine()
        started = time.perf_counter()
        for start in range(0, len(cards), 100):
            sync_cards(cards[start : start + 100], engine)
        return time.perf_counter() - started

    def through_the_worker(name: str, chosen: list[str], env: dict[str, str]) -> float:
        """Seconds from the backfill job's start to its last card, ``firmsync worker``
        running meanwhile (ready first: it has backfilled an opted-out card)."""
        firmsync = str(Path(sys.executable).with_name("firmsync"))
        command = [firmsync, "worker", "--workers", str(args.workers)]
        worker = subprocess.Popen(command, env=env, stderr=subprocess.DEVNULL)
        try:
            wait_for(account_with(f"{name} (warm-up)", ["x"], queue=True)[0].account_id, 1)
            account_id = account_with(name, chosen, queue=True)[0].account_id
            return wait_for(account_id, len(chosen))
        finally:
            worker.send_signal(signal.SIGINT)
            worker.wait(timeout=60)

    def wait_for(account_id: int, total: int) -> float:
        """Seconds from the backfill's start to its last card settled (synced or not: the
        warm-up's card is opted out)."""
        progress = AddonSettings.objects.filter(account_id=account_id)
        while progress.get().backfill_total != total:  # the job has not started yet
            time.sleep(0.01)
        started = time.perf_counter()
        cards = SyncState.objects.filter(company__account_id=account_id)
        while cards.exclude(state__in=DUE_STATES).count() < total:
            time.sleep(0.05)
        return time.perf_counter() - started

    def synced(account_id: int, total: int) -> None:
        states = SyncState.objects.filter(company__account_id=account_id)
        count = states.filter(state=SyncState.State.SYNCED).count()
        if count != total:
            print(f"only {count:,} of {total:,} cards synced ({backend})", file=sys.stderr)
            raise SystemExit(1)

    figures: dict[str, float] = {}
    chosen = cuis[: args.cards]
    try:
        cards = account_with("One process", chosen, queue=False)
        seconds = in_this_process(cards)
        synced(cards[0].account_id, len(chosen))
        figures["process"] = len(chosen) / seconds
        print(
            f"run {args.run}, register, one process: {len(chosen):,} cards in {seconds:.1f} s"
            f" = {figures['process']:,.0f} cards/s ({backend})"
        )
        seconds = through_the_worker("Worker", chosen, dict(os.environ))
        synced(made[-1], len(chosen))
        figures["worker"] = len(chosen) / seconds
        print(
            f"run {args.run}, register, the backfill job through `firmsync worker --workers "
            f"{args.workers}`: {len(chosen):,} cards in {seconds:.1f} s = "
            f"{figures['worker']:,.0f} cards/s ({backend})"
        )
        if args.anaf_cards and args.run == 1:
            from firmsync.sources.fake.server import fake_anaf_process

            fake = {**os.environ, "FIRMSYNC_DATA_DIR": str(folder / "fake")}
            with fake_anaf_process(env=fake) as url:
                env = {**os.environ, "FIRMSYNC_SOURCES": "register,anaf"}
                env["FIRMSYNC_ANAF_BASE_URL"] = url
                chosen = cuis[args.cards : need]
                seconds = through_the_worker("Register and ANAF", chosen, env)
                stats = urllib.request.urlopen(f"{url}/__stats").read().decode()
            print(
                f"run {args.run}, register + fake ANAF, through the worker: {len(chosen):,} "
                f"cards in {seconds:.1f} s; fake ANAF saw {stats} ({backend})"
            )
    finally:
        Path(f"{folder}-{args.run}.json").write_text(json.dumps(figures))
        Account.objects.filter(pk__in=made).delete()


def register(folder: Path) -> list[str]:
    """The sample imported into the backend's register (by the first run; the later ones
    find it there); its active companies with financials, by CUI."""
    from firmsync import conf
    from firmsync.registry.importer import import_paths
    from firmsync.registry.read import active_with_financials
    from firmsync.registry.store import RegisterStore

    store = RegisterStore(conf.load().register_url)
    imported = folder / "imported"
    if not imported.exists():
        folder.mkdir(parents=True, exist_ok=True)
        import_paths(store, [folder.parent / "sample"])
        imported.touch()
    cuis = active_with_financials(store)
    store.close()
    return cuis


if __name__ == "__main__":
    main()
