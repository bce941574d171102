"""A company's facts by CUI from the sources, merged: ``firmsync lookup`` and the API.

ANAF is asked through the deployment's one fetcher, and the caller waits for its answers
(Django must be set up: the fetcher's questions live in the CRM's database).
"""

from __future__ import annotations

from firmsync import conf
from firmsync.crm.errors import Invalid
from firmsync.sources.lookup import CHOICES, Looked, Providers, lookup

__all__ = ["lookup_facts"]


def lookup_facts(cuis: list[str], source: str = "all") -> list[Looked]:
    """One :class:`Looked` per CUI as typed (``RO``, spaces): facts, not found, or the error
    of a source that failed. ``source``: one of ``all``, ``register``, ``anaf``, ``openapi``."""
    from firmsync.identity import cui as cui_id
    from firmsync.identity.exceptions import IdentityError

    if source not in CHOICES:
        raise Invalid("source", f"must be one of {', '.join(CHOICES)}, not {source!r}")
    canonical = []
    for raw in cuis:
        try:
            canonical.append(cui_id.validate(raw))
        except IdentityError as error:
            raise Invalid("cui", f"{cui_id.shown(raw)!r} is not a valid CUI: {error}") from None
    config = conf.load()
    providers = Providers()
    if source in ("register", "all"):
        from firmsync.registry.store import RegisterStore

        providers.register = RegisterStore(config.register_url)
    if source in ("anaf", "all"):
        from firmsync.enrichment.fetcher import CoalescedAnaf

        providers.anaf = CoalescedAnaf(wait=True)
    if source == "openapi" or (source == "all" and config.openapi_key):
        if not config.openapi_key:
            raise Invalid("source", "openapi.ro needs a key: set FIRMSYNC_OPENAPI_KEY")
        from firmsync.sources.openapi_ro import OpenApiRoClient

        providers.openapi = OpenApiRoClient(config.openapi_key, config.openapi_base_url)
    return lookup(canonical, source, providers)
