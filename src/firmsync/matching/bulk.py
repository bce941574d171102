"""Matching many names at once, on every core: a CRM's whole client list.

Each worker process opens the index itself (memory-mapped, so the processes share its pages)
and matches a chunk of names at a time; the results come back in the input's order. The
workers are forked before any index or thread exists in the parent.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.pool
import os
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from pathlib import Path

from firmsync.matching.matcher import Matcher
from firmsync.matching.result import Match

__all__ = ["CHUNK", "Wanted", "match_many"]

CHUNK = 200  # names per task: large enough to amortise the hand-over, small for progress

Wanted = tuple[str, str | None, str | None]  # name, county, locality

_matcher: Matcher | None = None


def _open(path: Path) -> None:
    global _matcher
    _matcher = Matcher.open(path)


def _match_chunk(task: tuple[list[Wanted], int]) -> list[Match]:
    assert _matcher is not None
    chunk, kept = task
    return [_matcher.match(name, county, locality, shown=kept) for name, county, locality in chunk]


def _chunks(wanted: Iterable[Wanted]) -> Iterator[list[Wanted]]:
    items = iter(wanted)
    while chunk := list(islice(items, CHUNK)):
        yield chunk


def match_many(
    path: Path,
    wanted: Iterable[Wanted],
    *,
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
    candidates: int = 5,
) -> Iterator[Match]:
    """The match of each (name, county, locality), in order, using ``workers`` processes.

    Each match keeps its first ``candidates`` (a CSV row needs one: handing five back from
    the workers costs a tenth of the time). The workers start here, not at the first
    result: forked before the caller starts threads of its own (a progress bar's).
    """
    workers = workers or os.cpu_count() or 1
    tasks = ((chunk, candidates) for chunk in _chunks(wanted))
    if workers == 1:
        _open(path)
        return _reported(map(_match_chunk, tasks), progress)
    # Forked from this process, which has imported the matcher already (half a second a
    # process from a fresh interpreter); each worker opens the index itself, after the fork.
    pool = multiprocessing.get_context("fork").Pool(workers, initializer=_open, initargs=(path,))
    return _reported(pool.imap(_match_chunk, tasks), progress, pool)


def _reported(
    chunks: Iterator[list[Match]],
    progress: Callable[[int], None] | None,
    pool: multiprocessing.pool.Pool | None = None,
) -> Iterator[Match]:
    try:
        for results in chunks:
            yield from results
            if progress:
                progress(len(results))
    finally:
        if pool is not None:
            pool.terminate()
