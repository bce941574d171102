"""An account, a register with the test snapshot and its name index, and the engine."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.contrib.auth.models import User

from firmsync.crm.models import Account, Membership
from firmsync.enrichment.services.sync import Engine
from firmsync.matching.index import NameIndex
from firmsync.matching.matcher import Matcher
from firmsync.registry.importer import import_paths
from firmsync.registry.store import RegisterStore
from firmsync.sources.lookup import Providers

from ..registry.snapshot import write_snapshot

TRADECENTER = "66815090"  # active, Tulcea; MF figures 2024 and 2025; one administrator
CARDIOFORCE = "18547290"  # in insolvency, Bucharest
LEMNLIND = "14399840"  # Cluj
NOW = datetime.datetime(2026, 11, 28, 10, 0, tzinfo=datetime.UTC)


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime.datetime:
        return self.now


@pytest.fixture
def register(register_url: str, tmp_path: Path) -> Iterator[RegisterStore]:
    store = RegisterStore(register_url)
    import_paths(store, [write_snapshot(tmp_path / "snapshot")])
    yield store
    store.close()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def engine(register: RegisterStore, tmp_path: Path, clock: Clock) -> Engine:
    index = NameIndex.build(register, tmp_path / "names", workers=1)
    return Engine(Providers(register=register), "register", Matcher(index), clock)


@pytest.fixture
def account(db: None) -> Account:
    return Account.objects.create(name="Acme", plan=Account.Plan.PROFESSIONAL)


@pytest.fixture
def admin(account: Account) -> User:
    user = User.objects.create_user("ana@acme.ro", "ana@acme.ro")
    Membership.objects.create(account=account, user=user, role=Membership.Role.ADMIN)
    return user


def deployment(tmp_path: Path, register_url: str) -> dict[str, str]:
    """The variables of a deployment of the product's own processes, on SQLite files."""
    import os

    return {
        **os.environ,
        "FIRMSYNC_DATA_DIR": str(tmp_path / "var"),
        "FIRMSYNC_DATABASE_URL": f"sqlite:///{tmp_path}/crm.sqlite3",
        "FIRMSYNC_QUEUE_URL": f"sqlite:///{tmp_path}/queue.sqlite3",
        "FIRMSYNC_REGISTER_URL": register_url,
        "FIRMSYNC_SOURCES": "register",
    }
