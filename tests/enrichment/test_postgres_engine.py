"""What the engine does for PostgreSQL's sake: commits that do not wait for the disk, and
statistics kept fresh while a backfill grows its tables. On SQLite both are plain: the
transaction is an ordinary one and no statistics are made."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from django.db import connection, transaction

from firmsync.crm.models import Account, Company
from firmsync.enrichment.models import UsageEntry
from firmsync.enrichment.services import statistics
from firmsync.enrichment.services.commits import engine_transaction
from firmsync.enrichment.services.statistics import refresh_statistics

POSTGRES = os.environ.get("FIRMSYNC_DATABASE_URL", "").startswith("postgres")
pytestmark = pytest.mark.django_db(transaction=True)


class Later:
    """A clock that moves a minute on each reading, so that every look is allowed."""

    def __init__(self) -> None:
        self.at = 0.0

    def __call__(self) -> float:
        self.at += 60.0
        return self.at


def _synchronous_commit() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        return str(cursor.fetchone()[0])


def test_an_engine_transaction_is_whole_or_nothing() -> None:
    account = Account.objects.create(name="Acme")
    with pytest.raises(RuntimeError), engine_transaction():
        Company.objects.create(account=account, name="Kept?")
        raise RuntimeError
    assert not Company.objects.filter(account=account).exists()
    with engine_transaction():
        Company.objects.create(account=account, name="Kept")
    assert list(Company.objects.values_list("name", flat=True)) == ["Kept"]


@pytest.mark.skipif(not POSTGRES, reason="synchronous_commit is PostgreSQL's")
def test_the_engine_commits_without_waiting_for_the_disk_and_no_one_else_does() -> None:
    assert _synchronous_commit() == "on"
    with engine_transaction():
        assert _synchronous_commit() == "off"
    assert _synchronous_commit() == "on"  # (for that transaction alone)
    with transaction.atomic(), engine_transaction():
        assert _synchronous_commit() == "on"  # inside another's transaction: the other's rule


@pytest.fixture
def looks() -> Iterator[None]:
    """Every test starts as a process that has never looked."""
    statistics._looked["at"] = float("-inf")
    yield
    statistics._looked["at"] = float("-inf")


def _grow_usage(account: Account, count: int, start: int = 0) -> None:
    cuis = (str(1_000_000 + n) for n in range(start, start + count))
    UsageEntry.objects.bulk_create(
        UsageEntry(account=account, month="2026-12", cui=cui) for cui in cuis
    )
    if POSTGRES:  # (a backend reports what it changed at most once a second by itself)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_stat_force_next_flush()")


def _analysed(table: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT last_analyze FROM pg_stat_user_tables WHERE relname = %s", [table])
        return cursor.fetchone()[0] is not None


def test_statistics_are_made_for_a_table_that_doubled_and_only_then(looks: None) -> None:
    account = Account.objects.create(name="Acme")
    clock = Later()
    assert refresh_statistics(clock) == []  # nothing grew
    _grow_usage(account, 3_000)
    refreshed = refresh_statistics(clock)
    if not POSTGRES:
        assert refreshed == []
        return
    assert "enrichment_usageentry" in refreshed and _analysed("enrichment_usageentry")
    assert not _analysed("enrichment_representative")  # (it did not grow)
    assert refresh_statistics(clock) == []  # unchanged since
    _grow_usage(account, 600, start=3_000)  # not half its size
    assert refresh_statistics(clock) == []


@pytest.mark.skipif(not POSTGRES, reason="statistics are PostgreSQL's")
def test_a_process_looks_at_most_every_few_seconds(looks: None) -> None:
    account = Account.objects.create(name="Acme")
    now = [100.0]
    assert refresh_statistics(lambda: now[0]) == []
    _grow_usage(account, 3_000)
    now[0] += statistics.EVERY / 2
    assert refresh_statistics(lambda: now[0]) == []  # looked a moment ago
    now[0] += statistics.EVERY
    assert refresh_statistics(lambda: now[0]) == ["enrichment_usageentry"]


@pytest.mark.skipif(not POSTGRES, reason="statistics are PostgreSQL's")
def test_no_statistics_are_made_inside_a_callers_transaction(looks: None) -> None:
    account = Account.objects.create(name="Acme")
    _grow_usage(account, 3_000)
    with transaction.atomic():
        assert refresh_statistics(Later()) == []
    assert refresh_statistics(Later()) == ["enrichment_usageentry"]
