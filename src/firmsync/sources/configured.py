"""The sources as the deployment configures them (``FIRMSYNC_*``), for the CLI and the jobs."""

from __future__ import annotations

from firmsync import conf
from firmsync.registry.store import RegisterStore
from firmsync.sources.anaf.client import AnafClient
from firmsync.sources.lookup import Providers
from firmsync.sources.openapi_ro import OpenApiRoClient
from firmsync.sources.pacing import shared_pace

__all__ = ["SOURCES", "anaf_client", "lookup_source", "providers"]

SOURCES = ("register", "anaf", "openapi")


def anaf_client() -> AnafClient:
    """ANAF's client as configured, paced with every other process of the deployment."""
    config = conf.load()
    if config.pace_url.startswith("sqlite"):
        config.data_dir.mkdir(parents=True, exist_ok=True)
    return AnafClient(config.anaf_base_url, pace=shared_pace(config.pace_url, config.anaf_rate))


def configured_sources() -> list[str]:
    """``FIRMSYNC_SOURCES`` (default ``register,anaf``; the offline demo uses ``register``)."""
    named = conf.load().sources
    unknown = set(named) - set(SOURCES)
    if unknown:
        raise ValueError(f"FIRMSYNC_SOURCES: unknown source {', '.join(sorted(unknown))}")
    return [s for s in SOURCES if s in named]


def providers(sources: list[str] | None = None) -> Providers:
    config = conf.load()
    chosen = configured_sources() if sources is None else sources
    found = Providers()
    if "register" in chosen:
        found.register = RegisterStore(config.register_url)
    if "anaf" in chosen:
        found.anaf = anaf_client()
    if "openapi" in chosen and config.openapi_key:
        found.openapi = OpenApiRoClient(config.openapi_key, config.openapi_base_url)
    return found


def lookup_source(sources: list[str]) -> str:
    """The ``lookup`` choice for a set of sources: one of them, or ``all``."""
    return sources[0] if len(sources) == 1 else "all"
