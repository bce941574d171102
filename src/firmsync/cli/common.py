"""What the commands share: the register, the name index, the progress bar, stderr."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING

from firmsync import conf

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress

    from firmsync.matching.index import NameIndex
    from firmsync.registry.store import RegisterStore

__all__ = ["build_names", "err", "names_path", "open_store", "progress_bar", "update_bar"]


@functools.cache
def err() -> Console:
    """The console on stderr (rich is imported by the commands that print through it)."""
    from rich.console import Console

    return Console(stderr=True)


def open_store() -> RegisterStore:
    from firmsync.registry.store import RegisterStore

    return RegisterStore(conf.load().register_url)


def names_path() -> Path:
    """Where the name index lives: beside the register, in the data folder."""
    return conf.load().data_dir / "names"


def progress_bar() -> Progress:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err(),
        transient=False,
        disable=not err().is_terminal,
    )


def update_bar() -> Progress:
    """One bar a download (bytes of its size, and the rate: tasks added with
    ``bytes=True``) or a file imported (rows, and the time it took), in one display."""
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        Task,
        TextColumn,
        TimeElapsedColumn,
        TransferSpeedColumn,
    )
    from rich.text import Text

    class Either(ProgressColumn):
        def __init__(self, for_bytes: ProgressColumn, otherwise: ProgressColumn) -> None:
            super().__init__()
            self.for_bytes, self.otherwise = for_bytes, otherwise

        def render(self, task: Task) -> Text:
            column = self.for_bytes if task.fields.get("bytes") else self.otherwise
            return column.render(task)  # type: ignore[return-value]

    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        Either(DownloadColumn(), MofNCompleteColumn()),
        Either(TransferSpeedColumn(), TimeElapsedColumn()),
        console=err(),
        transient=False,
        disable=not err().is_terminal,
    )


def build_names() -> NameIndex:
    """Rebuild the name index from the register, with a progress bar."""
    from firmsync.enrichment.services.register import name_index_build

    with progress_bar() as bar:
        task = bar.add_task("name index", total=None)
        return name_index_build(
            progress=lambda done, total: bar.update(task, completed=done, total=total)
        )
