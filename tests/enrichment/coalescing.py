"""The coalescing fetcher's scenario, with the product's own processes (the test and
``bench/anaf_coalesce.py`` run it): a sample register whose companies have the newest
financial year (so only VAT look-ups are needed), the fake ANAF at 1 request/s in its own
process, two ``firmsync worker`` processes, and cards created one at a time, round robin
across accounts, through the card service. With ``kill``, the process holding the fetcher's
lease is killed (SIGKILL) once ANAF has answered a few requests.

``python -m tests.enrichment.coalescing setup|create|report`` are the steps that run inside
the deployment (Django set up from the ``FIRMSYNC_*`` variables).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
FIRMSYNC = str(Path(sys.executable).with_name("firmsync"))


def _step(env: dict[str, str], *args: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "tests.enrichment.coalescing", *args],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout or "{}")


def _stats(url: str) -> dict[str, Any]:
    return json.loads(urllib.request.urlopen(f"{url}/__stats", timeout=5).read())


@contextmanager
def _workers(env: dict[str, str], count: int) -> Iterator[list[subprocess.Popen[bytes]]]:
    started = [
        subprocess.Popen([FIRMSYNC, "worker", "--workers", "1"], env=env, cwd=ROOT)
        for _ in range(count)
    ]
    try:
        yield started
    finally:
        for process in started:
            process.send_signal(signal.SIGINT)
        for process in started:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def run(
    folder: Path,
    env: dict[str, str],
    *,
    cards: int = 1000,
    accounts: int = 20,
    kill: bool = False,
    timeout: float = 240.0,
) -> dict[str, Any]:
    """The scenario's figures: requests, violations, seconds, states, usage, kills."""
    from firmsync.registry.importer import import_paths
    from firmsync.registry.sample import make_sample
    from firmsync.registry.store import RegisterStore
    from firmsync.sources.fake.server import fake_anaf_process

    make_sample(folder / "sample", companies=max(5 * cards, 1000))
    store = RegisterStore(env["FIRMSYNC_REGISTER_URL"])
    import_paths(store, [folder / "sample"])
    store.close()
    fake_env = {**env, "FIRMSYNC_DATA_DIR": str(folder / "fake")}
    with fake_anaf_process("--rate", "1", env=fake_env) as url:
        env = {**env, "FIRMSYNC_ANAF_BASE_URL": url, "FIRMSYNC_ANAF_RATE": "1"}
        _step(env, "setup", str(accounts))
        killed: list[int] = []
        with _workers(env, 2):
            started = time.monotonic()
            _step(env, "create", str(cards), str(accounts))
            created = time.monotonic() - started
            report = _step(env, "report")
            while report["synced"] < cards and time.monotonic() - started < timeout:
                if kill and not killed and _stats(url)["requests"] >= 3 and report["holder"]:
                    pid = int(report["holder"].rsplit(":", 1)[1])
                    os.kill(pid, signal.SIGKILL)
                    killed.append(pid)
                time.sleep(0.5)
                report = _step(env, "report")
            seconds = time.monotonic() - started
        stats = _stats(url)
    return {
        **report,
        "cards": cards,
        "requests": stats["requests"],
        "violations": stats["violations"],
        "closest": stats["closest"],
        "cuis_served": stats["cuis_served"],
        "seconds": round(seconds, 1),
        "created_in": round(created, 1),
        "killed": killed,
    }


# --- the steps, inside the deployment ------------------------------------------------------
def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "firmsync.project.settings")
    import django

    django.setup()


def setup(accounts: int) -> dict[str, Any]:
    from django.core.management import call_command

    from firmsync.crm.services import create_account
    from firmsync.enrichment.services.addon import activate

    call_command("migrate", verbosity=0, interactive=False)
    for n in range(accounts):
        account = create_account(
            name=f"Client {n}", plan="professional", admin_email=f"admin{n}@example.ro"
        )
        activate(account, None, start_backfill=lambda _: None)
    return {"accounts": accounts}


def create(cards: int, accounts: int) -> dict[str, Any]:
    """Cards one at a time, each its own call of the card service (as users add them)."""
    from firmsync import conf
    from firmsync.crm.selectors import account_named
    from firmsync.enrichment.services.cards import create_card
    from firmsync.registry.read import active_with_financials
    from firmsync.registry.store import RegisterStore

    cuis = active_with_financials(RegisterStore(conf.load().register_url))[:cards]
    if len(cuis) < cards:
        raise SystemExit(f"the register has {len(cuis)} such companies, not {cards}")
    owners = [account_named(f"Client {n}") for n in range(accounts)]
    for n, cui in enumerate(cuis):
        create_card(owners[n % accounts], name=f"Card {n}", cui_input=cui)
    return {"created": cards}


def report() -> dict[str, Any]:
    from django.db.models import Count

    from firmsync.crm.models import Company
    from firmsync.enrichment.models import FetcherState, SyncState, UsageEntry

    states = dict(
        SyncState.objects.values_list("state").annotate(n=Count("pk")).values_list("state", "n")
    )
    entries = UsageEntry.objects.count()
    distinct = UsageEntry.objects.values("account_id", "cui").distinct().count()
    cards_per_account = Company.objects.values("account_id", "cui").distinct().count()
    holder = FetcherState.objects.filter(pk=1).values_list("holder", flat=True).first()
    return {
        "synced": states.get("synced", 0),
        "states": states,
        "usage_entries": entries,
        "usage_distinct": distinct,
        "companies_per_account": cards_per_account,
        "holder": holder or "",
    }


if __name__ == "__main__":
    _django()
    command, *rest = sys.argv[1:]
    steps = {"setup": setup, "create": create, "report": report}
    print(json.dumps(steps[command](*(int(a) for a in rest))))
