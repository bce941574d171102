"""``firmsync backup DIR`` and ``firmsync restore DIR``: the deployment's own files copied
while it runs, and brought back (docs/backup.md)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from firmsync.enrichment.services.backup import Backup

__all__ = ["backup", "restore"]


@click.command()
@click.argument("folder", metavar="DIR", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="The manifest, as JSON.")
def backup(folder: Path, as_json: bool) -> None:
    """Copy the CRM, the register, the queue and the name index into DIR while firmsync runs
    (what is in PostgreSQL: the pg_dump command is printed).

    DIR must be new or empty. Each SQLite database is copied with SQLite's online backup, as
    of one moment; a manifest.json written last lists every file with its SHA-256.
    """
    from firmsync.cli.edge import refusals
    from firmsync.enrichment.services.backup import backup_create

    with refusals(), _bar("backup") as progress:
        made = backup_create(folder, progress=progress)
    if as_json:
        click.echo(json.dumps({"folder": str(made.folder), **made.to_dict()}, indent=2))
        return
    _list(made)
    click.echo(f"Backup taken at {made.taken_at} in {made.folder}.")
    _elsewhere(made, "back up")


@click.command()
@click.argument("folder", metavar="DIR", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Replace the data this deployment holds.")
@click.option("--json", "as_json", is_flag=True, help="What was restored, as JSON.")
def restore(folder: Path, force: bool, as_json: bool) -> None:
    """Bring back the backup in DIR (`firmsync backup`), with the workers stopped.

    The backup is checked whole before anything is touched, copied beside the deployment's
    files and renamed into place. A deployment that holds data is refused without --force.
    """
    from firmsync.cli.edge import refusals
    from firmsync.enrichment.services.backup import backup_restore

    with refusals(), _bar("restore") as progress:
        done = backup_restore(folder, force=force, progress=progress)
    if as_json:
        click.echo(json.dumps({"folder": str(done.folder), **done.to_dict()}, indent=2))
        return
    _list(done)
    click.echo(f"Restored the backup taken at {done.taken_at} from {done.folder}.")
    _elsewhere(done, "restore")


_LABELS = {"crm": "the CRM", "register": "the register"}


def _list(made: Backup) -> None:
    for part in made.parts:
        if part.store in ("sqlite", "folder"):
            count = len(part.files)
            shown = part.files[0]["path"] if count == 1 else f"{part.name}/ ({count} files)"
            click.echo(f"{part.name:<15} {_size(part.size):>10}  {shown}")
        elif part.store == "none":
            click.echo(f"{part.name:<15} {'none':>10}")


def _elsewhere(made: Backup, verb: str) -> None:
    """One line for each command to run, and one for the queue in Redis."""
    commands: dict[str, list[str]] = {}
    for part in sorted(made.parts, key=lambda p: p.name != "crm"):  # the CRM first
        if part.command:
            commands.setdefault(part.command, []).append(_LABELS.get(part.name, part.name))
        elif part.store == "redis":
            click.echo(
                "The queue is in Redis and not copied: cards never synced or left waiting are "
                "synced by the refresh of due cards."
            )
    for command, names in commands.items():
        click.echo(f"To {verb} {' and '.join(names)} (PostgreSQL): {command}")


def _size(count: int) -> str:
    """
    >>> _size(512), _size(2_500_000)
    ('512 B', '2.5 MB')
    """
    if count < 1000:
        return f"{count} B"
    value, units = count / 1000, ["kB", "MB", "GB"]
    while value >= 1000 and len(units) > 1:
        value, units = value / 1000, units[1:]
    return f"{value:.1f} {units[0]}"


@contextmanager
def _bar(description: str) -> Iterator[Callable[[int, int], None]]:
    """A bar in bytes on stderr, when it is a terminal."""
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeElapsedColumn

    from firmsync.cli.common import err

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TimeElapsedColumn(),
        console=err(),
        disable=not err().is_terminal,
    ) as bar:
        task = bar.add_task(description, total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)
