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
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Config", "load"]


@dataclass(frozen=True)
class Config:
    data_dir: Path
    database_url: str
    register_url: str
    queue_url: str
    secret_key: str
    debug: bool
    allowed_hosts: tuple[str, ...]


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
    )
