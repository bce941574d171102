"""The engine as the deployment configures it: sources, the name index, the clock."""

from __future__ import annotations

from firmsync import conf
from firmsync.enrichment.services.sync import Engine
from firmsync.matching.index import IndexMissing
from firmsync.matching.matcher import Matcher
from firmsync.sources import configured

__all__ = ["configured_engine"]


def configured_engine() -> Engine:
    sources = configured.configured_sources()
    try:
        matcher: Matcher | None = Matcher.open(conf.load().data_dir / "names")
    except IndexMissing:
        matcher = None  # no name index yet: cards without a CUI wait as no_match
    return Engine(configured.providers(sources), configured.lookup_source(sources), matcher)
