"""Loading one large file into a table on all cores.

The file is cut into byte ranges that each start a record (``DelimitedFile.split``); each
range is parsed and bulk-loaded by its own process. On PostgreSQL every process COPYs into
the target table at once. SQLite has one writer per database: ``OD_FIRME``'s Arrow batches
are committed one by one, so its processes take turns at the target table; for the other
files the first process writes into the target and the others into files of their own,
appended afterwards with ``INSERT … SELECT`` (C speed). Reports come back from every process
and are merged in line order, so a file reads the same in parallel as in one piece.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from firmsync.registry import columnar, mf, onrc
from firmsync.registry.reader import DelimitedFile, FileReport, RowProblem, Span
from firmsync.registry.store import RegisterStore, ingest_batches

__all__ = ["PARSERS", "Load", "load_file"]


def _registrations(source: DelimitedFile, span: Span | None = None) -> Iterator[tuple[Any, ...]]:
    """OD_FIRME through the columnar path when its layout allows, else row by row."""
    if columnar.supports(source):
        return columnar.parse_registrations_columnar(source, span)
    return onrc.parse_registrations(source, span)


PARSERS: dict[str, Callable[..., Iterator[tuple[Any, ...]]]] = {
    "registrations": _registrations,
    "status_codes": onrc.parse_status_codes,
    "caen_authorised": onrc.parse_caen_authorised,
    "representatives": onrc.parse_representatives,
    "financials": mf.parse_financials,
}
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Load:
    """What to load: which parser reads ``path`` into which table of which register."""

    path: Path
    kind: str
    url: str
    table: str
    columns: tuple[str, ...]
    delimiters: str = "^|"
    options: dict[str, Any] = field(default_factory=dict)  # keyword arguments of the parser


@dataclass
class _Outcome:
    read: int
    loaded: int
    rejected: Counter[str]
    warnings: Counter[str]
    problems: list[RowProblem]


_COUNTER: Any = None  # a shared row counter, set in the parent before the pool forks


def _arrow_path(load: Load, source: DelimitedFile, url: str) -> bool:
    """Whether workers load this file as Arrow batches (OD_FIRME into SQLite)."""
    return load.kind == "registrations" and url.startswith("sqlite") and columnar.supports(source)


def _tick(rows: int) -> None:
    """Adds a worker's rows to the shared counter the parent shows as progress."""
    with _COUNTER.get_lock():
        _COUNTER.value += rows


def _load_span(args: tuple[Load, Span, str, str]) -> _Outcome:
    """In a worker: parse one range and load it into ``table`` at ``url``."""
    load, span, url, table = args
    report = FileReport(str(load.path), keep=10**9)
    source = DelimitedFile(load.path, report, delimiters=load.delimiters)
    if _arrow_path(load, source, url):
        # Arrow batches straight into SQLite: no connection of ours is open in this process.
        path = url.removeprefix("sqlite:///")
        batches = columnar.registration_batches(source, span)
        loaded = ingest_batches(path, table, batches, progress=_tick)
    else:
        store = RegisterStore(url, create=False)
        try:
            rows = PARSERS[load.kind](source, span, **load.options)
            loaded = store.bulk_load(table, load.columns, rows, progress=_tick)
        finally:
            store.close()
    return _Outcome(report.rows_read, loaded, report.rejected, report.warnings, report.examples)


def load_file(
    store: RegisterStore,
    load: Load,
    report: FileReport,
    *,
    workers: int,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Parse ``load.path`` and append its rows to ``load.table``; returns rows loaded.

    Problems go to ``report`` in line order. ``workers`` > 1 reads ranges in parallel
    (``store`` must then be a file or a server, not an in-memory database).
    """
    global _COUNTER
    source = DelimitedFile(load.path, report, delimiters=load.delimiters)
    in_memory = store.dialect == "sqlite" and store.path in ("", ":memory:")
    spans: list[Span | None] = [None]
    if workers > 1 and not in_memory:
        spans = list(source.split(workers))
    if len(spans) == 1:
        rows = PARSERS[load.kind](source, None, **load.options)
        loaded = store.bulk_load(load.table, load.columns, rows, progress=progress)
        report.rows_loaded += loaded
        return loaded

    # Where each process writes: PostgreSQL takes concurrent COPYs, and the Arrow path commits
    # batch by batch so its processes take turns at SQLite's one write lock; otherwise the
    # first process writes the table and the others files of their own, appended after.
    shared = store.dialect == "postgresql" or _arrow_path(load, source, store.url)
    parts: list[tuple[str, str, Path | None]] = []  # (url, table, file to remove)
    for n in range(len(spans)):
        if shared or n == 0:
            parts.append((store.url, load.table, None))
        else:
            part = Path(f"{store.path}.part{n}")
            for suffix in ("", "-wal", "-shm"):
                Path(f"{part}{suffix}").unlink(missing_ok=True)
            parts.append((f"sqlite:///{part}", load.table, part))
    if not shared:
        # The other parts need the table's definition: copy it into their files first.
        for url, table, _ in parts[1:]:
            copy = RegisterStore(url, create=False)
            ddl = store.scalar(f"SELECT sql FROM sqlite_master WHERE name = {store.mark}", (table,))
            copy.execute(str(ddl))
            copy.close()
    started = time.perf_counter()
    context = multiprocessing.get_context("fork")
    _COUNTER = context.Value("q", 0)
    try:
        with context.Pool(len(spans)) as pool:
            pending = pool.map_async(
                _load_span,
                [
                    (load, span, url, table)
                    for span, (url, table, _) in zip(spans, parts, strict=True)
                ],
            )
            seen = 0
            while not pending.ready():
                pending.wait(0.2)
                if progress:
                    now = _COUNTER.value
                    progress(now - seen)
                    seen = now
            outcomes = pending.get()
            if progress:
                progress(_COUNTER.value - seen)
    finally:
        _COUNTER = None
    log.info("%s: %d processes: %.1f s", load.path.name, len(spans), time.perf_counter() - started)
    for _, table, part in parts[1:]:
        if part is None:
            continue
        store.execute(f"ATTACH DATABASE '{part}' AS part")
        store.execute(f"INSERT INTO {table} SELECT * FROM part.{table}")
        store.execute("DETACH DATABASE part")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{part}{suffix}").unlink(missing_ok=True)
    if store.dialect == "sqlite":
        # Move what the processes wrote from the write-ahead log into the database file, so
        # that what comes next (index builds) reads it from there.
        store.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    log.info("%s: parts appended: %.1f s", load.path.name, time.perf_counter() - started)
    loaded = 0
    for outcome in outcomes:
        report.rows_read += outcome.read
        loaded += outcome.loaded
        report.rejected.update(outcome.rejected)
        report.warnings.update(outcome.warnings)
    for problem in sorted((p for o in outcomes for p in o.problems), key=lambda p: p.line):
        report.record(problem)
    report.rows_loaded += loaded
    return loaded


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 4))
