"""Every ANAF request through one coalescing fetcher: 1,000 cards created one at a time
across 20 accounts cost about ten requests, none too soon; killing the fetcher's process
mid-way loses no card and bills none twice (the product's own processes, on SQLite and on
PostgreSQL + Redis)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from . import coalescing

POSTGRES = os.environ.get("FIRMSYNC_DATABASE_URL", "").startswith("postgres")


@pytest.fixture
def deployment(register_url: str, tmp_path: Path) -> Iterator[dict[str, str]]:
    """The variables of a deployment of its own: SQLite files, or a fresh PostgreSQL
    database and a Redis database of its own when the suite runs there."""
    env = {
        **os.environ,
        "FIRMSYNC_DATA_DIR": str(tmp_path / "var"),
        "FIRMSYNC_REGISTER_URL": register_url,
        "FIRMSYNC_SOURCES": "register,anaf",
        "FIRMSYNC_DATABASE_URL": f"sqlite:///{tmp_path}/crm.sqlite3",
        "FIRMSYNC_QUEUE_URL": f"sqlite:///{tmp_path}/queue.sqlite3",
    }
    if not POSTGRES:
        yield env
        return
    import psycopg
    import redis

    base = os.environ["FIRMSYNC_DATABASE_URL"].replace("postgres://", "postgresql://", 1)
    name = f"scenario_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(base, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    queue = os.environ.get("FIRMSYNC_QUEUE_URL", "redis://127.0.0.1:6379/15")
    queue = queue.rsplit("/", 1)[0] + "/14"
    redis.Redis.from_url(queue).flushdb()
    env["FIRMSYNC_DATABASE_URL"] = base.rsplit("/", 1)[0] + f"/{name}"
    env["FIRMSYNC_QUEUE_URL"] = queue
    try:
        yield env
    finally:
        redis.Redis.from_url(queue).flushdb()
        with psycopg.connect(base, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def _check(figures: dict) -> None:
    assert figures["synced"] == figures["cards"] == 1000, figures
    assert figures["requests"] <= 15 and figures["violations"] == 0, {
        k: figures[k] for k in ("requests", "violations", "closest", "killed", "seconds")
    }
    # Each company counted once for its account: none billed twice.
    assert figures["usage_entries"] == figures["usage_distinct"], figures
    assert figures["usage_entries"] == figures["companies_per_account"], figures


def test_one_by_one_cards_go_a_hundred_cuis_a_request(
    deployment: dict[str, str], tmp_path: Path
) -> None:
    _check(coalescing.run(tmp_path, deployment))


def test_a_killed_fetcher_is_replaced_and_no_card_is_lost_or_billed_twice(
    deployment: dict[str, str], tmp_path: Path
) -> None:
    figures = coalescing.run(tmp_path, deployment, kill=True)
    assert figures["killed"], "the fetcher was not killed mid-way"
    _check(figures)
