"""The engine as the deployment configures it: sources, the name index, the clock."""

from __future__ import annotations

import threading
from pathlib import Path

from firmsync import conf
from firmsync.enrichment.fetcher import CoalescedAnaf
from firmsync.enrichment.services.sync import Engine
from firmsync.matching.index import IndexMissing
from firmsync.matching.matcher import Matcher
from firmsync.sources import configured

__all__ = ["configured_engine"]

_made = threading.local()  # (the sources' connections are not for sharing between threads)


def configured_engine(*, wait: bool = False, sources: tuple[str, ...] | None = None) -> Engine:
    """The deployment's engine, made once a thread and made again when the configuration or
    the name index changes: a job syncs one batch, and opening the name index takes about a
    second, the register's connection and statements a few milliseconds. ``wait``: a sync
    waits for ANAF's answers (the foreground) instead of leaving its cards to be synced
    again when they come (a worker's job). ``sources``: these instead of
    ``FIRMSYNC_SOURCES`` (the offline demo syncs from the register alone)."""
    config = conf.load()
    names = config.data_dir / "names"
    key = (config, _version(names), wait, sources)
    made = getattr(_made, "engine", None)
    if made is not None and made[0] == key and _usable(made[1]):
        return made[1]
    if made is not None and made[1].providers.register is not None:
        made[1].providers.register.close()
    engine = _engine(names, wait, sources)
    _made.engine = (key, engine)
    return engine


def _usable(engine: Engine) -> bool:
    """Whether the engine's register connection still works (the server may have dropped
    it: then the next job opens another instead of failing like the last)."""
    return engine.providers.register is None or engine.providers.register.usable


def _version(names: Path) -> int | None:
    """When the name index was last built (``None``: there is none)."""
    try:
        return (names / "meta.json").stat().st_mtime_ns
    except FileNotFoundError:
        return None


def _engine(names: Path, wait: bool, chosen: tuple[str, ...] | None) -> Engine:
    sources = configured.configured_sources() if chosen is None else list(chosen)
    try:
        matcher: Matcher | None = Matcher.open(names)
    except IndexMissing:
        matcher = None  # no name index yet: cards without a CUI wait as no_match
    providers = configured.providers(sources)
    if "anaf" in sources:  # every ANAF request goes through the deployment's one fetcher
        providers.anaf = CoalescedAnaf(wait=wait)
    return Engine(providers, configured.lookup_source(sources), matcher)
