"""A batch of cards costs the same number of statements whatever its size: one read of the
batch's register facts, one lock of its cards, one write a table (DESIGN: the sync engine's
rules). A statement a card would make a large deployment's backfill as slow as its
database's round trips."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from firmsync.crm.models import Account, Company
from firmsync.enrichment.services import statistics
from firmsync.enrichment.services.addon import activate
from firmsync.enrichment.services.sync import Engine, sync_cards
from firmsync.registry.store import RegisterStore

from .conftest import CARDIOFORCE, LEMNLIND, TRADECENTER


def _first_sync(count: int, engine: Engine, monkeypatch: pytest.MonkeyPatch) -> tuple[int, int]:
    """Statements on the CRM and on the register of the first sync of ``count`` new cards."""
    account = Account.objects.create(name=f"Acme {count}", plan=Account.Plan.PROFESSIONAL)
    activate(account, None, start_backfill=lambda _: None)
    cuis = [TRADECENTER, CARDIOFORCE, LEMNLIND]
    Company.objects.bulk_create(
        Company(account=account, name=f"Client {n}", cui_input=cuis[n % 3]) for n in range(count)
    )
    cards = list(Company.objects.filter(account=account))
    asked = []
    query = RegisterStore.query

    def counted(store: RegisterStore, sql: str, params: Any = ()) -> list[tuple[Any, ...]]:
        asked.append(sql)
        return query(store, sql, params)

    monkeypatch.setattr(RegisterStore, "query", counted)
    with CaptureQueriesContext(connection) as crm:
        outcome = sync_cards(cards, engine)
    monkeypatch.setattr(RegisterStore, "query", query)
    assert outcome.count("synced") == count
    return len(crm), len(asked)


def test_a_batch_costs_the_same_statements_whatever_its_size(
    db: None, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(statistics._looked, "at", float("inf"))  # (no look for statistics)
    small = _first_sync(3, engine, monkeypatch)
    large = _first_sync(90, engine, monkeypatch)
    assert large[1] == small[1] == 6  # the register's facts
    if connection.vendor == "postgresql":
        assert large[0] == small[0]
    else:  # SQLite takes 999 parameters a statement: a wide table's rows go in a few
        assert large[0] - small[0] <= 5
    assert small[0] <= 30  # (28 when this was written)
