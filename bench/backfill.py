"""Benchmark: the backfill after activation, on SQLite and on PostgreSQL + Redis.

    python bench/backfill.py [--cards 10000] [--anaf-cards 2000] [--companies 50000]
                             [--workers 2] [--postgres URL --redis URL]

Generates a sample register (once, in a temporary data folder), then for each backend —
SQLite files for the CRM, the register and the queue; and, given a PostgreSQL server
(``--postgres``, or ``FIRMSYNC_DATABASE_URL`` when it is one), a database of its own there
(the URL's name with ``_backfill``, made afresh and dropped after) for the CRM and the
register, with the queue on Redis (``--redis``, or ``FIRMSYNC_QUEUE_URL``) — it imports the
register and measures, each backend in a process of its own:

1. ``--cards`` cards of one account, each with the CUI of a registered company, synced
   from the register alone (``FIRMSYNC_SOURCES=register``) in batches of 100 in this one
   process: cards/s;
2. the same cards in another account, through the product's path: activation queues the
   backfill job, ``firmsync worker --workers N`` (its own processes) syncs its batches side
   by side: cards/s from the job's start to the last card;
3. ``--anaf-cards`` cards of a third account the same way, from the register and the fake
   ANAF (its own process, 100 CUIs per request, 1 request/s), the register holding their
   financials: wall time and ANAF requests.

Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from databases import drop_database, env_url, fresh_database


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cards", type=int, default=10_000)
    parser.add_argument("--anaf-cards", type=int, default=2_000)
    parser.add_argument("--companies", type=int, default=50_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--postgres", default=env_url("FIRMSYNC_DATABASE_URL", "postgres"))
    parser.add_argument("--redis", default=env_url("FIRMSYNC_QUEUE_URL", "redis"))
    parser.add_argument("--on", help=argparse.SUPPRESS)  # (a backend's process: its folder)
    args = parser.parse_args()
    if args.on:
        measure(args, Path(args.on))
        return
    folder = Path(tempfile.mkdtemp(prefix="firmsync-backfill-"))
    from firmsync.registry.sample import make_sample

    make_sample(folder / "sample", companies=args.companies)
    run = [sys.executable, __file__, *sys.argv[1:]]
    base = {k: v for k, v in os.environ.items() if not k.startswith("FIRMSYNC_")}
    base["FIRMSYNC_REGISTER_UPDATE"] = "off"  # (a sample register: never the portal's)
    subprocess.run([*run, "--on", str(folder / "sqlite")], env=base, check=True)
    if args.postgres:
        if not args.redis:
            raise SystemExit("--postgres needs --redis (or FIRMSYNC_QUEUE_URL) for the queue")
        database = fresh_database(args.postgres, "backfill")
        env = {
            **base,
            "FIRMSYNC_DATABASE_URL": database,
            "FIRMSYNC_REGISTER_URL": database,
            "FIRMSYNC_QUEUE_URL": args.redis,
        }
        try:
            subprocess.run([*run, "--on", str(folder / "postgres")], env=env, check=True)
        finally:
            drop_database(database)


def measure(args: argparse.Namespace, folder: Path) -> None:
    """The figures on the backend the environment names (SQLite files under ``folder``)."""
    os.environ["FIRMSYNC_DATA_DIR"] = str(folder)
    os.environ["FIRMSYNC_SOURCES"] = "register"
    os.environ["DJANGO_SETTINGS_MODULE"] = "firmsync.project.settings"
    backend = "PostgreSQL + Redis" if "FIRMSYNC_DATABASE_URL" in os.environ else "SQLite"

    from firmsync import conf
    from firmsync.registry.importer import import_paths
    from firmsync.registry.read import active_with_financials
    from firmsync.registry.store import RegisterStore

    store = RegisterStore(conf.load().register_url)
    import_paths(store, [folder.parent / "sample"])
    cuis = active_with_financials(store)
    store.close()
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
    from firmsync.enrichment.services.sync import sync_cards

    def account_with(name: str, chosen: list[str], *, queue: bool) -> list[Company]:
        """An account with a card a CUI; activated, the backfill queued (``queue``) or not."""
        account = Account.objects.create(name=name, plan=Account.Plan.PROFESSIONAL)
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
        progress = AddonSettings.objects.filter(account_id=account_id)
        while progress.get().backfill_total != total:  # the job has not started yet
            time.sleep(0.01)
        started = time.perf_counter()
        synced = SyncState.objects.filter(company__account_id=account_id, state="synced")
        while synced.count() < total:
            time.sleep(0.05)
        return time.perf_counter() - started

    chosen = cuis[: args.cards]
    seconds = in_this_process(account_with("One process", chosen, queue=False))
    print(
        f"register, one process: {len(chosen):,} cards in {seconds:.1f} s = "
        f"{len(chosen) / seconds:,.0f} cards/s ({backend})"
    )
    seconds = through_the_worker("Worker", chosen, dict(os.environ))
    print(
        f"register, the backfill job through `firmsync worker --workers {args.workers}`: "
        f"{len(chosen):,} cards in {seconds:.1f} s = {len(chosen) / seconds:,.0f} cards/s "
        f"({backend})"
    )

    if not args.anaf_cards:
        return
    from firmsync.sources.fake.server import fake_anaf_process

    with fake_anaf_process(env={**os.environ, "FIRMSYNC_DATA_DIR": str(folder / "fake")}) as url:
        env = {**os.environ, "FIRMSYNC_SOURCES": "register,anaf", "FIRMSYNC_ANAF_BASE_URL": url}
        chosen = cuis[args.cards : need]
        seconds = through_the_worker("Register and ANAF", chosen, env)
        stats = urllib.request.urlopen(f"{url}/__stats").read().decode()
    print(
        f"register + fake ANAF, through the worker: {len(chosen):,} cards in {seconds:.1f} s; "
        f"fake ANAF saw {stats} ({backend})"
    )


if __name__ == "__main__":
    main()
