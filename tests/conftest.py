"""Shared fixtures: a register store on SQLite, or on PostgreSQL when the suite runs there.

Set ``FIRMSYNC_REGISTER_URL=postgres://…`` to run every register test against PostgreSQL;
each test gets a schema of its own, dropped afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from firmsync.registry.store import RegisterStore

# pytester runs small suites for the tests of the CNP scan, which watches every session.
pytest_plugins = ["pytester", "tests.cnp_scan"]


def pytest_configure(config: pytest.Config) -> None:
    """No process a test starts checks the real data portal: the daily register update is
    off and the portal a closed local port, unless a test sets them itself."""
    os.environ.setdefault("FIRMSYNC_REGISTER_UPDATE", "off")
    os.environ.setdefault("FIRMSYNC_PORTAL_URL", "http://127.0.0.1:9")


POSTGRES = os.environ.get("FIRMSYNC_REGISTER_URL", "").startswith(("postgres://", "postgresql://"))


@contextmanager
def fresh_register_url(directory: Path) -> Iterator[str]:
    """A URL for an empty register: a SQLite file, or a fresh PostgreSQL schema."""
    if not POSTGRES:
        yield f"sqlite:///{directory}/registry.sqlite3"
        return
    base = os.environ["FIRMSYNC_REGISTER_URL"]
    schema = f"test_{uuid.uuid4().hex[:12]}"
    import psycopg

    with psycopg.connect(base.replace("postgres://", "postgresql://", 1), autocommit=True) as c:
        c.execute(f'CREATE SCHEMA "{schema}"')
    separator = "&" if "?" in base else "?"
    yield f"{base}{separator}options=-csearch_path%3D{schema}"
    with psycopg.connect(base.replace("postgres://", "postgresql://", 1), autocommit=True) as c:
        c.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture
def register_url(tmp_path: Path) -> Iterator[str]:
    with fresh_register_url(tmp_path) as url:
        yield url


@pytest.fixture
def store(register_url: str) -> Iterator[RegisterStore]:
    register = RegisterStore(register_url)
    yield register
    register.close()
