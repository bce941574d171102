"""The PostgreSQL databases a benchmark makes for itself, and the URLs it is given.

A benchmark on PostgreSQL gets a database of its own on the server it is pointed at (the
URL's name with a suffix), made afresh before and dropped after: what it measures never
depends on what an earlier run left.
"""

from __future__ import annotations

import os
import re

__all__ = ["drop_database", "env_url", "fresh_database"]


def env_url(name: str, scheme: str) -> str | None:
    """The environment variable ``name`` when it holds a URL of ``scheme``."""
    value = os.environ.get(name, "")
    return value if value.startswith(scheme) else None


def _server(url: str, suffix: str) -> tuple[str, str]:
    """The server's maintenance database URL, and the bench's database on it."""
    name = re.sub(r"\W", "_", url.rsplit("/", 1)[1].split("?")[0] or "firmsync")
    server = url.rsplit("/", 1)[0].replace("postgres://", "postgresql://", 1)
    return f"{server}/postgres", f"{url.rsplit('/', 1)[0]}/{name}_{suffix}"


def fresh_database(url: str, suffix: str) -> str:
    """A new, empty database ``<name>_<suffix>`` on ``url``'s server; its URL."""
    import psycopg

    server, database = _server(url, suffix)
    with psycopg.connect(server, autocommit=True) as connection:
        name = database.rsplit("/", 1)[1]
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    return database


def drop_database(database: str) -> None:
    import psycopg

    server, _ = _server(database, "")
    with psycopg.connect(server, autocommit=True) as connection:
        name = database.rsplit("/", 1)[1]
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
