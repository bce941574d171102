"""Keeps Django's own tables out of the register database."""

from __future__ import annotations

from typing import Any


class RegisterRouter:
    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return db != "registry"
