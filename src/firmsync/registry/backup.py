"""The register copied while it is in use, with SQLite's online backup.

Through apsw, the store's own driver: the register's file is written by apsw's SQLite, which
may be newer than the standard library's. One backup step copies every page inside one read
transaction, so the copy is the register as of one moment even while an import writes (in
WAL mode the import is not held up meanwhile). A register in PostgreSQL is ``pg_dump``'s.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import apsw

__all__ = ["register_backup", "register_file"]


def register_file(url: str) -> Path | None:
    """The register's SQLite file (``sqlite:///PATH``), or ``None`` for PostgreSQL.

    >>> register_file("sqlite:////srv/var/registry.sqlite3")
    PosixPath('/srv/var/registry.sqlite3')
    >>> register_file("postgres://db/firmsync") is None
    True
    """
    if urlparse(url).scheme != "sqlite":
        return None
    return Path(url.removeprefix("sqlite:///"))


def register_backup(url: str, target: Path) -> None:
    """Copy the SQLite register at ``url`` into ``target``, a new or empty file.

    The copy keeps no write-ahead log: it is one self-contained file. Raises
    ``FileNotFoundError`` when there is no register file yet.
    """
    path = register_file(url)
    if path is None:
        raise ValueError(f"the register at {url!r} is not a SQLite file")
    if not path.is_file():
        raise FileNotFoundError(path)
    source = apsw.Connection(str(path), flags=apsw.SQLITE_OPEN_READWRITE)
    try:
        source.set_busy_timeout(60_000)
        copy = apsw.Connection(
            str(target), flags=apsw.SQLITE_OPEN_READWRITE | apsw.SQLITE_OPEN_CREATE
        )
        try:
            with copy.backup("main", source, "main") as backup:
                backup.step(-1)  # every page in one step: one read transaction
        finally:
            copy.close()
    finally:
        source.close()
