"""Benchmark: the backfill after activation, on SQLite.

    python bench/backfill.py [--cards 10000] [--anaf-cards 2000] [--companies 50000]

Generates a sample register (once, in a temporary data folder) and imports it, then:

1. ``--cards`` cards of one account, each with the CUI of a registered company, synced
   from the register alone (``FIRMSYNC_SOURCES=register``) in batches of 100: cards/s;
2. ``--anaf-cards`` cards of another account synced from the register and the fake ANAF
   (its own process, 100 CUIs per request, 1 request/s), the register holding their
   financials: wall time and ANAF requests.

Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import urllib.request
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cards", type=int, default=10_000)
    parser.add_argument("--anaf-cards", type=int, default=2_000)
    parser.add_argument("--companies", type=int, default=50_000)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="firmsync-backfill-"))
    os.environ["FIRMSYNC_DATA_DIR"] = str(folder)
    os.environ["FIRMSYNC_SOURCES"] = "register"
    os.environ["DJANGO_SETTINGS_MODULE"] = "firmsync.project.settings"

    from firmsync import conf
    from firmsync.registry.importer import import_paths
    from firmsync.registry.sample import make_sample
    from firmsync.registry.store import RegisterStore

    store = RegisterStore(conf.load().register_url)
    make_sample(folder / "sample", companies=args.companies)
    import_paths(store, [folder / "sample"])
    cuis = [
        cui
        for (cui,) in store.query(
            "SELECT DISTINCT r.cui FROM registration_view AS r JOIN financial AS f "
            "ON f.cui = r.cui AND f.year = (SELECT MAX(year) FROM financial) "
            "WHERE r.status = 'active' ORDER BY r.cui"
        )
    ]
    need = args.cards + args.anaf_cards
    if len(cuis) < need:
        raise SystemExit(f"the sample has {len(cuis)} such companies; raise --companies")

    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from firmsync.crm.models import Account, Company
    from firmsync.enrichment.engine import configured_engine
    from firmsync.enrichment.services.addon import activate
    from firmsync.enrichment.services.sync import sync_cards

    def account_with(name: str, chosen: list[str]) -> list[Company]:
        account = Account.objects.create(name=name, plan=Account.Plan.PROFESSIONAL)
        Company.objects.bulk_create(
            Company(account=account, name=f"Client {cui}", cui_input=cui, cui=cui) for cui in chosen
        )
        activate(account, None, start_backfill=lambda _: None)
        return list(Company.objects.filter(account=account).select_related("account"))

    def backfill(cards: list[Company]) -> float:
        engine = configured_engine()
        started = time.perf_counter()
        for start in range(0, len(cards), 100):
            sync_cards(cards[start : start + 100], engine)
        return time.perf_counter() - started

    cards = account_with("Register only", cuis[: args.cards])
    seconds = backfill(cards)
    print(
        f"register: {len(cards):,} cards in {seconds:.1f} s = {len(cards) / seconds:,.0f} cards/s"
        " (SQLite)"
    )

    from firmsync.sources.fake.server import fake_anaf_process

    env = {**os.environ, "FIRMSYNC_DATA_DIR": str(folder / "fake")}
    with fake_anaf_process(env=env) as url:
        os.environ.update(FIRMSYNC_SOURCES="register,anaf", FIRMSYNC_ANAF_BASE_URL=url)
        cards = account_with("Register and ANAF", cuis[args.cards : need])
        seconds = backfill(cards)
        stats = urllib.request.urlopen(f"{url}/__stats").read().decode()
    print(f"register + fake ANAF: {len(cards):,} cards in {seconds:.1f} s; fake ANAF saw {stats}")


if __name__ == "__main__":
    main()
