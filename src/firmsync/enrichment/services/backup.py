"""Backups of a deployment's own files, taken while it runs, and their restore.

:func:`backup_create` copies into a new folder each store the deployment keeps in files of
its own: the CRM, the register and the job queue where they are SQLite files (SQLite's
online backup: each file as of one moment, taken while the web and the workers write), the
name index and the import reports. A ``manifest.json``, written last, lists every file with
its size and SHA-256: a folder without one is not a backup. A store in PostgreSQL is
``pg_dump``'s to copy, the queue in Redis is Redis's: the backup says how, one command each.

The stores are copied one after another: the name index before the register (an index
older than its register is brought up to date at restore; one newer could not be), the
queue just before the CRM (its copy takes milliseconds): a job the workers took meanwhile is
in the queue's copy and runs again after a restore, and syncing a card again is harmless.
A job running at the moment of the backup is in neither; its cards stay due and the next
refresh of due cards syncs them.

:func:`backup_restore` checks a backup whole, copies it beside the deployment's files,
checks the copies, and only then renames them into place, so an interrupted restore leaves
the deployment as it was. It refuses a deployment that holds data unless told to replace
it, and one whose worker is running.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import json
import os
import shlex
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

import firmsync
from firmsync import conf
from firmsync.crm.errors import Forbidden, Invalid

__all__ = ["MANIFEST", "Backup", "Part", "backup_create", "backup_restore"]

MANIFEST = "manifest.json"
FORMAT = 1  # of the manifest; a backup of another format is refused at restore
FOLDERS = ("names", "import-reports")  # in the data folder
STAGED = ".restoring"  # a restore's copy of a file or folder, beside what it replaces
_CHUNK = 1 << 20
# Each database: its file in the backup and the variable that places it.
_DATABASES = {
    "crm": ("crm.sqlite3", "FIRMSYNC_DATABASE_URL"),
    "register": ("registry.sqlite3", "FIRMSYNC_REGISTER_URL"),
    "queue": ("queue.sqlite3", "FIRMSYNC_QUEUE_URL"),
}


@dataclasses.dataclass(frozen=True)
class Part:
    """One store of the deployment in a backup.

    ``store``: ``sqlite`` or ``folder`` (its ``files`` are in the backup), ``postgresql``
    (``command`` dumps it into the backup's ``dump`` file, or at restore brings it back),
    ``redis`` or ``none`` (there was none). ``files``: each ``{path, bytes, sha256}``, the
    path within the backup.
    """

    name: str
    store: str
    files: tuple[dict[str, Any], ...] = ()
    dump: str | None = None
    command: str | None = None

    @property
    def size(self) -> int:
        return sum(f["bytes"] for f in self.files)

    def to_dict(self) -> dict[str, Any]:
        shown = {"store": self.store, "files": list(self.files)}
        if self.store == "postgresql":
            shown |= {"dump": self.dump, "command": self.command}
        return shown


@dataclasses.dataclass(frozen=True)
class Backup:
    """A backup: where it is, when it was taken, and its parts in the order they were
    copied (for a restore: the parts it brought back, or says how to)."""

    folder: Path
    taken_at: str
    version: str
    parts: tuple[Part, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "firmsync": self.version,
            "taken_at": self.taken_at,
            "parts": {part.name: part.to_dict() for part in self.parts},
        }


# --- backup ------------------------------------------------------------------------------
def backup_create(
    folder: Path,
    *,
    now: datetime.datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Backup:
    """Copy the deployment's own files into ``folder`` (new, or empty), readable by its
    owner only; ``progress(done, total)`` in bytes as each store is copied."""
    config = conf.load()
    where = _stores(config)
    crm = where["crm"]
    if crm[0] == "sqlite" and not (crm[1] and crm[1].is_file()):
        raise Invalid("crm", f"no CRM database at {crm[1]}: nothing to back up")
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise Invalid("folder", f"{folder} is not an empty folder: a backup goes into a new one")
    taken_at = (now or datetime.datetime.now(datetime.UTC)).isoformat(timespec="seconds")
    sizes = {name: _size_of(where, config, name) for name in (*FOLDERS, "register", "queue", "crm")}
    total, done = sum(sizes.values()), 0
    created = not folder.exists()
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o700)  # before anything is in it
    elsewhere = _dumps(config, folder)
    parts: list[Part] = []
    try:
        for name in sizes:  # in the order the module's docstring gives
            if name in FOLDERS:
                parts.append(_folder_part(name, config.data_dir / name, folder))
            else:
                parts.append(_database_part(name, where[name], folder, elsewhere))
            done += sizes[name]
            if progress:
                progress(done, total)
        backup = Backup(folder, taken_at, firmsync.__version__, tuple(parts))
        _private(folder)
        _write_json(folder / MANIFEST, backup.to_dict())  # last: the backup is complete
    except BaseException:
        _discard(folder, created)
        raise
    return backup


def _folder_part(name: str, source: Path, folder: Path) -> Part:
    from firmsync.matching.index import index_copy

    if name == "names" and (source / "meta.json").is_file():
        copied = index_copy(source, folder / name)
    elif name != "names" and source.is_dir():
        shutil.copytree(source, folder / name)
        copied = sorted(p.relative_to(folder / name) for p in _files(folder / name))
    else:
        return Part(name, "none")
    return Part(name, "folder", tuple(_sealed(folder, Path(name) / p) for p in copied))


def _database_part(
    name: str,
    where: tuple[str, Path | None, str],
    folder: Path,
    elsewhere: dict[str, tuple[str, str]],
) -> Part:
    from firmsync.registry.backup import register_backup

    store, path, url = where
    if store == "postgresql":
        dump, command = elsewhere[name]
        return Part(name, store, dump=dump, command=command)
    if store != "sqlite" or path is None or not path.is_file():
        return Part(name, store if store == "redis" else "none")
    file = _DATABASES[name][0]
    _touch_private(folder / file)
    if name == "register":  # the register's own driver copies it
        register_backup(url, folder / file)
    else:
        _sqlite_copy(path, folder / file)
    return Part(name, "sqlite", (_sealed(folder, Path(file)),))


def _sqlite_copy(source: Path, target: Path) -> None:
    """SQLite's online backup of ``source`` into ``target``, in one step: one read
    transaction, so the copy is the database as of one moment while others write (WAL:
    they are not held up). The copy is one file, with no write-ahead log beside it."""
    connection = sqlite3.connect(f"{source.resolve().as_uri()}?mode=rw", uri=True, timeout=60)
    try:
        copy = sqlite3.connect(target)
        try:
            connection.backup(copy)
        finally:
            copy.close()
    finally:
        connection.close()


def _dumps(config: conf.Config, folder: Path) -> dict[str, tuple[str, str]]:
    """Each database in PostgreSQL: its dump's file in ``folder`` and the ``pg_dump``
    command that writes it (one, for the CRM and the register sharing a database)."""
    urls = {name: url for name, (store, _, url) in _stores(config).items() if store == "postgresql"}
    shared = len(set(map(_without_password, urls.values()))) < len(urls)
    dumps = {}
    for name, url in urls.items():
        file = "firmsync.pgdump" if shared else f"{name}.pgdump"
        dumps[name] = (
            file,
            f"pg_dump --format=custom --file={shlex.quote(str(folder.resolve() / file))} "
            f"{shlex.quote(_without_password(url))}",
        )
    return dumps


# --- restore -----------------------------------------------------------------------------
def backup_restore(
    folder: Path,
    *,
    force: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> Backup:
    """Bring the backup in ``folder`` back into the deployment the configuration describes;
    ``force``: even over data it holds. Refuses, before anything is touched, a backup that
    is not whole, one whose stores are placed otherwise than here (a SQLite CRM into
    PostgreSQL), a deployment that holds data (without ``force``) and one whose worker runs.
    A part the backup has not (a register never imported) is left as it is."""
    config = conf.load()
    manifest = _manifest(folder)
    where = _stores(config)
    parts = [
        Part(name, p["store"], tuple(p["files"]), dump=p.get("dump"))
        for name, p in manifest["parts"].items()
    ]
    targets = _targets(parts, where, config)
    _refuse_if_running(config)
    if not force:
        _refuse_if_holding(where, config)
    restored: list[Part] = []
    total, done = sum(p.size for p in parts), 0
    staged: list[tuple[Path, Path]] = []
    try:
        for part in parts:
            if part.name in targets:
                staged.append(_stage(folder, part, targets[part.name]))
                done += part.size
                if progress:
                    progress(done, total)
    except BaseException:
        for copy, _ in staged:
            _remove(copy)
        raise
    for copy, target in staged:  # quick renames only, from here
        _put_in_place(copy, target)
    for part in parts:
        if part.store == "postgresql" and part.dump:
            dump = folder.resolve() / part.dump
            url = _without_password(where[part.name][2])
            command = (
                "pg_restore --clean --if-exists --no-owner "
                f"--dbname={shlex.quote(url)} {shlex.quote(str(dump))}"
            )
            part = dataclasses.replace(part, command=command)
        restored.append(part)
    if "register" in targets:
        from firmsync.enrichment.services.register import name_index_follow

        name_index_follow()  # an index copied before its register had changed catches up
    return Backup(folder, manifest["taken_at"], manifest["firmsync"], tuple(restored))


def _manifest(folder: Path) -> dict[str, Any]:
    """The backup's manifest, once every file it lists is there with its size."""
    if not folder.is_dir():
        raise Invalid("backup", f"there is no backup at {folder}")
    try:
        manifest: dict[str, Any] = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise Invalid(
            "backup", f"{folder} is not a complete backup: it has no {MANIFEST}"
        ) from None
    except (ValueError, UnicodeDecodeError):
        raise Invalid("backup", f"{folder / MANIFEST} is not a backup's manifest") from None
    if not _readable(manifest):
        raise Invalid("backup", f"{folder / MANIFEST} is not a manifest this firmsync reads")
    for part in manifest["parts"].values():
        for file in part["files"]:
            path = folder / file["path"]
            if not path.is_file():
                raise Invalid("backup", f"{folder} is incomplete: {file['path']} is missing")
            if path.stat().st_size != file["bytes"]:
                raise Invalid(
                    "backup",
                    f"{folder} is incomplete: {file['path']} has {path.stat().st_size:,} "
                    f"bytes, its manifest {file['bytes']:,}",
                )
    return manifest


def _readable(manifest: Any) -> bool:
    """A manifest of this format, naming parts this firmsync knows and files inside the
    backup only."""
    try:
        if manifest["format"] != FORMAT or not {"taken_at", "firmsync"} <= set(manifest):
            return False
        if not set(manifest["parts"]) <= {*FOLDERS, *_DATABASES}:
            return False
        paths = [Path(f["path"]) for p in manifest["parts"].values() for f in p["files"]]
        sizes = [f["bytes"] for p in manifest["parts"].values() for f in p["files"]]
    except (KeyError, TypeError, AttributeError):
        return False
    inside = all(not p.is_absolute() and ".." not in p.parts for p in paths)
    return inside and all(isinstance(size, int) for size in sizes)


def _targets(
    parts: list[Part], where: dict[str, tuple[str, Path | None, str]], config: conf.Config
) -> dict[str, Path]:
    """Where each part with files goes here; refuses a part this deployment keeps elsewhere
    (a SQLite CRM in a deployment whose CRM is in PostgreSQL, or the other way round)."""
    targets = {}
    for part in parts:
        if part.name in FOLDERS:
            if part.store == "folder":
                targets[part.name] = config.data_dir / part.name
            continue
        store, path, _ = where[part.name]
        wanted = {"sqlite": "sqlite", "postgresql": "postgresql"}.get(part.store)
        if wanted is not None and store != wanted:
            variable = _DATABASES[part.name][1]
            raise Invalid(
                "backup",
                f"the backup's {part.name} is in {wanted}, but {variable} places it in "
                f"{store} here: restore into a deployment set up as the backup's was",
            )
        if part.store == "sqlite" and path is not None:
            targets[part.name] = path
    return targets


def _refuse_if_running(config: conf.Config) -> None:
    """A worker on this data folder holds the fetcher's file lock: its jobs would write
    into the files while they are replaced."""
    from firmsync.enrichment.lease import FileLease

    if config.lease_url.startswith(("redis", "postgres")):
        return  # the workers may be anywhere: the operator stops them (docs/backup.md)
    path = config.data_dir / "anaf-fetcher.lock"
    if not path.exists():
        return  # no worker ever ran here
    lease = FileLease(path)
    if not lease.acquire():
        raise Forbidden(f"a worker is running on {config.data_dir}: stop it, then restore")
    lease.release()


def _refuse_if_holding(where: dict[str, tuple[str, Path | None, str]], config: conf.Config) -> None:
    held = [path for store, path, _ in where.values() if store == "sqlite" and path is not None]
    held += [config.data_dir / name for name in FOLDERS]
    for path in held:
        if (path.is_file() and path.stat().st_size > 0) or (path.is_dir() and any(path.iterdir())):
            raise Forbidden(f"this deployment holds data already ({path}): --force replaces it")


def _stage(folder: Path, part: Part, target: Path) -> tuple[Path, Path]:
    """The part's files copied beside ``target`` and checked against the manifest."""
    copy = target.with_name(target.name + STAGED)
    _remove(copy)
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    for file in part.files:
        within = Path(file["path"])
        if part.store == "folder":
            destination = copy / within.relative_to(part.name)
            destination.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        else:
            destination = copy
        if _copy_hashing(folder / within, destination) != file["sha256"]:
            _remove(copy)
            raise Invalid(
                "backup", f"{folder} is damaged: {within} differs from its manifest (SHA-256)"
            )
    if part.store == "folder":
        copy.mkdir(exist_ok=True, mode=0o700)
    return copy, target


def _put_in_place(copy: Path, target: Path) -> None:
    if copy.is_dir():
        old = target.with_name(target.name + ".replaced")
        _remove(old)
        if target.exists():
            target.rename(old)
        copy.rename(target)
        _remove(old)
    else:
        # A write-ahead log left beside the file replaced would be read into the new one.
        for suffix in ("-wal", "-shm", "-journal"):
            target.with_name(target.name + suffix).unlink(missing_ok=True)
        copy.replace(target)
    _fsync_folder(target.parent)


# --- files -------------------------------------------------------------------------------
def _stores(config: conf.Config) -> dict[str, tuple[str, Path | None, str]]:
    """Each database's kind (``sqlite``, ``postgresql``, ``redis``), SQLite file and URL."""
    found = {}
    for name, url in (
        ("crm", config.database_url),
        ("register", config.register_url),
        ("queue", config.queue_url),
    ):
        scheme = urlparse(url).scheme
        if scheme == "sqlite":
            found[name] = ("sqlite", Path(url.removeprefix("sqlite:///")), url)
        elif scheme in ("postgres", "postgresql"):
            found[name] = ("postgresql", None, url)
        else:
            found[name] = ("redis", None, url)
    return found


def _size_of(where: dict[str, tuple[str, Path | None, str]], config: conf.Config, name: str) -> int:
    if name in FOLDERS:
        return sum(p.stat().st_size for p in _files(config.data_dir / name))
    store, path, _ = where[name]
    if store != "sqlite" or path is None or not path.is_file():
        return 0
    return path.stat().st_size


def _files(folder: Path) -> Iterator[Path]:
    return (p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else iter(())


def _sealed(folder: Path, within: Path) -> dict[str, Any]:
    """A copied file's manifest entry: its size and SHA-256, once it is on disk."""
    path = folder / within
    path.chmod(0o600)
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
        os.fsync(handle.fileno())
    return {"path": within.as_posix(), "bytes": path.stat().st_size, "sha256": digest.hexdigest()}


def _copy_hashing(source: Path, target: Path) -> str:
    """Copy ``source`` to ``target`` (owner only, on disk) and return what was read's
    SHA-256: one pass over the backup checks it and copies it."""
    digest = hashlib.sha256()
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with source.open("rb") as reading, os.fdopen(descriptor, "wb") as writing:
        while chunk := reading.read(_CHUNK):
            digest.update(chunk)
            writing.write(chunk)
        writing.flush()
        os.fsync(writing.fileno())
    return digest.hexdigest()


def _touch_private(path: Path) -> None:
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def _private(folder: Path) -> None:
    """The backup holds the clients of every account: its owner's only."""
    folder.chmod(0o700)
    for path in folder.rglob("*"):
        path.chmod(0o700 if path.is_dir() else 0o600)


def _write_json(path: Path, value: object) -> None:
    temporary = path.with_name(path.name + ".new")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump(value, handle, indent=2)
        handle.flush()
        os.fsync(handle.fileno())
    temporary.replace(path)
    _fsync_folder(path.parent)


def _fsync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


def _discard(folder: Path, created: bool) -> None:
    """What an unfinished backup wrote (the folder too, when it made it)."""
    if created:
        shutil.rmtree(folder, ignore_errors=True)
    else:
        for path in folder.iterdir():
            _remove(path)


def _without_password(url: str) -> str:
    """The URL for a printed command: the password stays in ``PGPASSWORD`` or ``.pgpass``.

    >>> _without_password("postgres://firmsync:secret@db:5432/crm?sslmode=require")
    'postgres://firmsync@db:5432/crm?sslmode=require'
    """
    parsed = urlparse(url)
    if parsed.password is None:
        return url
    host = parsed.netloc.rpartition("@")[2]
    user = parsed.netloc.rpartition("@")[0].partition(":")[0]
    return urlunparse(parsed._replace(netloc=f"{user}@{host}"))
