"""firmsync's configuration, read from ``FIRMSYNC_*`` environment variables.

Framework-free, so the CLI and the framework-free layers read the same values as Django's
settings. Defaults give the embedded single-machine setup: everything under ``./var``.

| Variable | Default |
|---|---|
| ``FIRMSYNC_DATA_DIR`` | ``./var`` |
| ``FIRMSYNC_DATABASE_URL`` | ``sqlite:///<data>/firmsync.sqlite3`` (the CRM) |
| ``FIRMSYNC_REGISTER_URL`` | ``sqlite:///<data>/registry.sqlite3`` (the register) |
| ``FIRMSYNC_QUEUE_URL`` | ``sqlite:///<data>/queue.sqlite3`` (Huey; ``redis://…`` at scale) |
| ``FIRMSYNC_SECRET_KEY`` | a development key (set it in production) |
| ``FIRMSYNC_DEBUG`` | ``false`` |
| ``FIRMSYNC_ALLOWED_HOSTS`` | ``localhost,127.0.0.1`` |
| ``FIRMSYNC_ANAF_BASE_URL`` | ``https://webservicesp.anaf.ro`` |
| ``FIRMSYNC_ANAF_RATE`` | ``1`` request per second, for the whole deployment |
| ``FIRMSYNC_OPENAPI_KEY`` | unset: openapi.ro is not used |
| ``FIRMSYNC_OPENAPI_BASE_URL`` | ``https://api.openapi.ro`` |
| ``FIRMSYNC_PORTAL_URL`` | ``https://data.gov.ro`` (the data portal: snapshots, MF years) |
| ``FIRMSYNC_REGISTER_UPDATE`` | ``03:30``: when the worker checks the portal daily; ``off`` |
| ``FIRMSYNC_SOURCES`` | ``register,anaf`` (also ``openapi``; the offline demo: ``register``) |
| ``FIRMSYNC_PRICE_BASE`` | ``5.9`` EUR net a month |
| ``FIRMSYNC_PRICE_INCLUDED`` | ``2000`` companies a month |
| ``FIRMSYNC_PRICE_EACH`` | ``0.003`` EUR per company beyond |
| ``FIRMSYNC_API_RATE`` | ``600/m``: requests a minute per API token (``/s``, ``/h``, ``/d`` too) |
| ``FIRMSYNC_EMAIL_URL`` | ``console://``: e-mail (password resets) printed; ``smtp://…`` sends it |
| ``FIRMSYNC_HTTPS`` | ``false``; ``true`` over HTTPS (behind a proxy): secure cookies, HSTS |

One process of the deployment sends ANAF's requests at a time, the one that holds the
fetcher's lease: in Redis when the queue is Redis, else in the CRM's database
(:mod:`firmsync.enrichment.lease`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

__all__ = ["DEMO_MARK", "Config", "is_demo", "load"]

DEMO_MARK = "DEMO"  # a file `firmsync demo` leaves in the data folder it prepared


@dataclass(frozen=True)
class Config:
    data_dir: Path
    database_url: str
    register_url: str
    queue_url: str
    secret_key: str
    debug: bool
    allowed_hosts: tuple[str, ...]
    anaf_base_url: str
    anaf_rate: float
    openapi_key: str | None
    openapi_base_url: str
    portal_url: str  # the data portal's site (its CKAN API under /api/3/action/)
    register_update: str  # "HH:MM" (Europe/Bucharest) the worker checks the portal at, or "off"
    sources: tuple[str, ...]
    price_base: str  # decimal strings: money is never a float
    price_included: int
    price_each: str
    api_rate: str  # "600/m": requests per API token per second, minute, hour or day
    email_url: str  # console:// or smtp(s)://user:password@host:port?from=address
    https: bool  # served over HTTPS: secure cookies and HSTS

    @property
    def lease_url(self) -> str:
        """Where the ANAF fetcher's lease is held: Redis if the queue is there, else the CRM's
        database (PostgreSQL's advisory lock; on SQLite, a file lock in the data folder)."""
        return self.queue_url if self.queue_url.startswith("redis") else self.database_url


def load(environ: Mapping[str, str] | None = None) -> Config:
    env = os.environ if environ is None else environ
    data_dir = Path(env.get("FIRMSYNC_DATA_DIR", "var")).resolve()
    return Config(
        data_dir=data_dir,
        database_url=env.get("FIRMSYNC_DATABASE_URL", f"sqlite:///{data_dir}/firmsync.sqlite3"),
        register_url=env.get("FIRMSYNC_REGISTER_URL", f"sqlite:///{data_dir}/registry.sqlite3"),
        queue_url=env.get("FIRMSYNC_QUEUE_URL", f"sqlite:///{data_dir}/queue.sqlite3"),
        secret_key=env.get("FIRMSYNC_SECRET_KEY", "firmsync-development-key-not-for-production"),
        debug=env.get("FIRMSYNC_DEBUG", "false").lower() in ("1", "true", "yes"),
        allowed_hosts=tuple(
            h.strip() for h in env.get("FIRMSYNC_ALLOWED_HOSTS", "localhost,127.0.0.1").split(",")
        ),
        anaf_base_url=env.get("FIRMSYNC_ANAF_BASE_URL", "https://webservicesp.anaf.ro"),
        anaf_rate=float(env.get("FIRMSYNC_ANAF_RATE", "1")),
        openapi_key=env.get("FIRMSYNC_OPENAPI_KEY") or None,
        openapi_base_url=env.get("FIRMSYNC_OPENAPI_BASE_URL", "https://api.openapi.ro"),
        portal_url=env.get("FIRMSYNC_PORTAL_URL", "https://data.gov.ro"),
        register_update=env.get("FIRMSYNC_REGISTER_UPDATE", "03:30").strip().lower(),
        sources=tuple(
            s.strip() for s in env.get("FIRMSYNC_SOURCES", "register,anaf").split(",") if s.strip()
        ),
        price_base=env.get("FIRMSYNC_PRICE_BASE", "5.9"),
        price_included=int(env.get("FIRMSYNC_PRICE_INCLUDED", "2000")),
        price_each=env.get("FIRMSYNC_PRICE_EACH", "0.003"),
        api_rate=env.get("FIRMSYNC_API_RATE", "600/m"),
        email_url=env.get("FIRMSYNC_EMAIL_URL", "console://"),
        https=env.get("FIRMSYNC_HTTPS", "false").lower() in ("1", "true", "yes"),
    )


def is_demo(config: Config) -> bool:
    """Whether the data folder is one ``firmsync demo`` prepared: sample data, which the
    development secret key may serve and the data portal's register must not replace."""
    return (config.data_dir / DEMO_MARK).exists()
