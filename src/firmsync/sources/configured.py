"""The sources as the deployment configures them (``FIRMSYNC_*``), for the CLI and the jobs.

ANAF is not among the providers made here: every ANAF request of the deployment goes through
its one fetcher (:mod:`firmsync.enrichment.fetcher`), which makes its client with
:func:`anaf_client`.
"""

from __future__ import annotations

from firmsync import conf
from firmsync.registry.store import RegisterStore
from firmsync.sources.anaf.client import AnafClient
from firmsync.sources.anaf.pace import Pace
from firmsync.sources.lookup import Providers
from firmsync.sources.openapi_ro import OpenApiRoClient

__all__ = ["SOURCES", "anaf_client", "configured_sources", "lookup_source", "providers"]

SOURCES = ("register", "anaf", "openapi")


def anaf_client(pace: Pace | None = None) -> AnafClient:
    """ANAF's client as configured (``FIRMSYNC_ANAF_BASE_URL``), sending at ``pace``."""
    return AnafClient(conf.load().anaf_base_url, pace=pace)


def configured_sources() -> list[str]:
    """``FIRMSYNC_SOURCES`` (default ``register,anaf``; the offline demo uses ``register``)."""
    named = conf.load().sources
    unknown = set(named) - set(SOURCES)
    if unknown:
        raise ValueError(f"FIRMSYNC_SOURCES: unknown source {', '.join(sorted(unknown))}")
    return [s for s in SOURCES if s in named]


def providers(sources: list[str] | None = None) -> Providers:
    """The register and openapi.ro as configured; the caller adds ANAF's fetcher."""
    config = conf.load()
    chosen = configured_sources() if sources is None else sources
    found = Providers()
    if "register" in chosen:
        found.register = RegisterStore(config.register_url)
    if "openapi" in chosen and config.openapi_key:
        found.openapi = OpenApiRoClient(config.openapi_key, config.openapi_base_url)
    return found


def lookup_source(sources: list[str]) -> str:
    """The ``lookup`` choice for a set of sources: one of them, or ``all``."""
    return sources[0] if len(sources) == 1 else "all"
