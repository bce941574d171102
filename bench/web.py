"""Benchmark: the web UI's typeahead and card page, server-side, on a demo's register.

    python bench/web.py --data DIR [--typed 2000] [--cards 200] [--postgres URL]

``DIR`` is a data folder prepared by ``firmsync demo`` (its register imported and its
names indexed, its demo account made): ``firmsync demo --no-serve`` for the demo's
size, ``--companies 4200000`` for the whole country's. In one process, through Django's
test client — every middleware, the view, the template; no network —, this times:

1. the new card's typeahead (``/companies/typeahead/?name=…``) as users type: for names
   drawn from the register, each prefix of 3, 5, 8, 12 characters and the whole name, as
   typed (lower case, no diacritics) and as registered; and CUIs typed in full;
2. the card page (``/companies/<id>/``) of ``--cards`` cards made from registered CUIs and
   synced from the register (addresses, financial years, administrators, history).

Prints p50, p95 and the slowest for each, after a warm-up; asserts nothing. With
``--postgres``, the CRM is a fresh database there (the register stays the demo's SQLite
file; the typeahead reads the name index), and the same is printed for it.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from databases import drop_database, fresh_database

PREFIXES = (3, 5, 8, 12)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--typed", type=int, default=2000, help="names to type")
    parser.add_argument("--cards", type=int, default=200)
    parser.add_argument("--postgres", default=None)
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    data = args.data.resolve()
    base = {
        **{k: v for k, v in os.environ.items() if not k.startswith("FIRMSYNC_")},
        "FIRMSYNC_DATA_DIR": str(data),
        "FIRMSYNC_REGISTER_URL": f"sqlite:///{data}/registry.sqlite3",
        "FIRMSYNC_SOURCES": "register",
        "FIRMSYNC_ALLOWED_HOSTS": "testserver",
    }
    if args.child:
        measure(args)
        return
    runs = [("SQLite", {**base, "FIRMSYNC_DATABASE_URL": f"sqlite:///{data}/bench-web.sqlite3"})]
    database = fresh_database(args.postgres, "web") if args.postgres else None
    if database:
        runs.append(("PostgreSQL", {**base, "FIRMSYNC_DATABASE_URL": database}))
    try:
        for label, env in runs:
            print(f"\n== {label}", flush=True)
            command = [sys.executable, __file__, "--data", str(data), "--child", label]
            command += ["--typed", str(args.typed), "--cards", str(args.cards)]
            subprocess.run(command, env=env, check=True)
    finally:
        Path(data / "bench-web.sqlite3").unlink(missing_ok=True)
        if database:
            drop_database(database)


def measure(args: argparse.Namespace) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "firmsync.project.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client

    from firmsync.crm.services import create_account
    from firmsync.enrichment.services.addon import activate
    from firmsync.enrichment.services.cards import create_card
    from firmsync.enrichment.services.refresh import sync_due
    from firmsync.identity import names

    call_command("migrate", verbosity=0, interactive=False)
    drawn = registered(args.typed + args.cards)
    rng = random.Random(11)
    email = f"bench-{time.time_ns()}@firmsync.local"
    account = create_account(name=f"Bench {email}", plan="professional", admin_email=email)
    for cui, name, _ in drawn[: args.cards]:
        create_card(account, name=name, cui_input=cui)
    activate(account, None, start_backfill=lambda _: None)
    sync_due(account=account, sources=("register",))
    client = Client()
    client.force_login(get_user_model().objects.get(username=email))

    typed: list[str] = []
    for cui, name, _ in drawn[args.cards :]:
        plain = names.key(name).lower()
        whole = rng.choice((plain, name))
        typed += [whole[:n] for n in PREFIXES if n < len(whole)] + [whole]
        if rng.random() < 0.2:
            typed.append(f"RO {cui}")
    rng.shuffle(typed)
    cards = [card.pk for card in account.companies.all()]

    def typeahead(text: str) -> Any:
        return client.get("/companies/typeahead/", {"name": text}, HTTP_HX_REQUEST="true")

    def card_page(card_id: int) -> Any:
        return client.get(f"/companies/{card_id}/")

    print(f"{'request':<28} {'requests':>9} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    _report("typeahead (name, CUI)", typeahead, typed)
    _report("card page", card_page, [rng.choice(cards) for _ in range(max(1000, len(cards)))])


def registered(count: int, register_url: str | None = None) -> list[tuple[str, str, str]]:
    """``(cui, name, county)`` of up to ``count`` registered companies drawn over the whole
    register (``register_url``: the environment's by default)."""
    from firmsync import conf
    from firmsync.registry import read
    from firmsync.registry.store import RegisterStore

    store = RegisterStore(register_url or conf.load().register_url, create=False)
    try:
        lines = random.Random(5).sample(range(2, read.highest_line(store) + 1), count * 2)
        rows = []
        for start in range(0, len(lines), 900):  # (SQLite's bound variables)
            rows += read.registrations_by_line(store, lines[start : start + 900])
    finally:
        store.close()
    found = [
        (str(cui), name, county or "")
        for _, _, cui, name, county, _ in sorted(rows)
        if cui and name
    ]
    return found[:count]


def _report(label: str, call: Any, inputs: list[Any]) -> None:
    for value in inputs[:50]:  # warm-up: the index's pages, the templates
        assert call(value).status_code == 200
    took = []
    for value in inputs:
        start = time.perf_counter()
        answer = call(value)
        took.append((time.perf_counter() - start) * 1000)
        assert answer.status_code == 200, (label, value, answer.status_code)
    p95 = statistics.quantiles(took, n=20)[18]
    print(
        f"{label:<28} {len(took):>9,} {statistics.median(took):>8.2f} {p95:>8.2f} "
        f"{max(took):>8.2f}",
        flush=True,
    )


if __name__ == "__main__":
    main()
