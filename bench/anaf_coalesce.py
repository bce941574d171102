"""Benchmark: 1,000 cards created one at a time across 20 accounts, every ANAF request
through the deployment's one fetcher.

    python bench/anaf_coalesce.py [--cards 1000] [--postgres URL --redis URL]

Runs the scenario of ``tests/enrichment/coalescing.py`` with the product's processes (two
``firmsync worker``, the fake ANAF at 1 request/s, a register holding the newest financial
year, so only VAT look-ups are needed), without and with the fetcher's process killed
mid-way, on SQLite, and on PostgreSQL + Redis when their URLs are given. Prints requests,
rate-limit violations, seconds to the last card synced, and the usage ledger's counts.
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.enrichment import coalescing  # noqa: E402  (the scenario the test runs)


def _deployment(folder: Path, postgres: str | None, redis_url: str | None) -> dict[str, str]:
    env = {
        **os.environ,
        "FIRMSYNC_REGISTER_UPDATE": "off",  # (a sample register: never the portal's)
        "FIRMSYNC_DATA_DIR": str(folder / "var"),
        "FIRMSYNC_SOURCES": "register,anaf",
        "FIRMSYNC_REGISTER_URL": f"sqlite:///{folder}/registry.sqlite3",
        "FIRMSYNC_DATABASE_URL": f"sqlite:///{folder}/crm.sqlite3",
        "FIRMSYNC_QUEUE_URL": f"sqlite:///{folder}/queue.sqlite3",
    }
    if postgres and redis_url:
        import psycopg
        import redis

        base = postgres.replace("postgres://", "postgresql://", 1)
        name = f"bench_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(base, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        redis.Redis.from_url(redis_url).flushdb()
        env["FIRMSYNC_DATABASE_URL"] = base.rsplit("/", 1)[0] + f"/{name}"
        env["FIRMSYNC_REGISTER_URL"] = env["FIRMSYNC_DATABASE_URL"]
        env["FIRMSYNC_QUEUE_URL"] = redis_url
    return env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cards", type=int, default=1000)
    parser.add_argument("--postgres", help="postgres://… (a database to create others in)")
    parser.add_argument("--redis", help="redis://…/N (flushed)")
    args = parser.parse_args()
    backends = [("SQLite", None, None)]
    if args.postgres and args.redis:
        backends.append(("PostgreSQL + Redis", args.postgres, args.redis))
    for label, postgres, redis_url in backends:
        for kill in (False, True):
            folder = Path(tempfile.mkdtemp(prefix="firmsync-coalesce-"))
            env = _deployment(folder, postgres, redis_url)
            os.environ.update({k: v for k, v in env.items() if k.startswith("FIRMSYNC_")})
            f = coalescing.run(folder, env, cards=args.cards, kill=kill)
            what = "fetcher killed mid-way" if kill else "no failure"
            print(
                f"{label}, {what}: {f['synced']:,} of {f['cards']:,} cards synced in "
                f"{f['seconds']} s (created in {f['created_in']} s); ANAF requests "
                f"{f['requests']}, rate-limit violations {f['violations']}; usage entries "
                f"{f['usage_entries']:,} for {f['companies_per_account']:,} companies "
                f"of accounts; killed {f['killed'] or 'none'}; states {f['states']}"
            )


if __name__ == "__main__":
    main()
