"""A worker keeps its connections from job to job, and opens another when the server
dropped one (PostgreSQL restarted, a backend terminated) instead of failing every job after."""

from __future__ import annotations

import os
from pathlib import Path

import psycopg
import pytest
from django.db import close_old_connections, connection

from firmsync.crm.models import Account, Company
from firmsync.enrichment.engine import configured_engine
from firmsync.enrichment.services.addon import activate
from firmsync.registry.store import RegisterStore

from .conftest import TRADECENTER

POSTGRES = os.environ.get("FIRMSYNC_DATABASE_URL", "").startswith("postgres")
pytestmark = pytest.mark.django_db(transaction=True)


def _job(card: Company) -> None:
    """What a worker runs for a sync job: its connections looked at before and after."""
    close_old_connections()
    try:
        from firmsync.enrichment.tasks import _sync

        _sync([card.pk])
    finally:
        close_old_connections()


def _terminate(pid: int) -> None:
    url = os.environ["FIRMSYNC_DATABASE_URL"].replace("postgres://", "postgresql://", 1)
    with psycopg.connect(url, autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])


@pytest.fixture
def card(register: RegisterStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Company:
    monkeypatch.setenv("FIRMSYNC_REGISTER_URL", register.url)
    monkeypatch.setenv("FIRMSYNC_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("FIRMSYNC_SOURCES", "register")
    account = Account.objects.create(name="Acme", plan=Account.Plan.PROFESSIONAL)
    activate(account, None, start_backfill=lambda _: None)
    return Company.objects.create(account=account, name="Trade", cui_input=TRADECENTER)


def test_a_worker_keeps_its_connections_from_job_to_job(card: Company) -> None:
    _job(card)
    crm, register = connection.connection, configured_engine().providers.register
    assert crm is not None and register is not None
    card.sync.state = "pending"
    card.sync.save()
    _job(card)
    assert connection.connection is crm  # (no connection a job)
    assert configured_engine().providers.register is register
    card.sync.refresh_from_db()
    assert card.sync.state == "synced"


@pytest.mark.skipif(not POSTGRES, reason="a server that drops connections")
def test_a_connection_the_server_dropped_is_opened_anew_for_the_next_job(card: Company) -> None:
    _job(card)
    register = configured_engine().providers.register
    assert register is not None
    card.sync.state = "pending"
    card.sync.save()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        _terminate(cursor.fetchone()[0])
    _terminate(register.connection.info.backend_pid)
    with pytest.raises(psycopg.OperationalError):
        register.query("SELECT 1")  # the job running when it happened fails (and is retried)
    _job(card)  # the next one works, on new connections
    assert configured_engine().providers.register is not register
    card.sync.refresh_from_db()
    assert card.sync.state == "synced"
