"""Whether the CRM database is migrated: ordinary commands check and stop, never migrate.

Migrating is an explicit step (``firmsync migrate``; ``firmsync demo`` and the test set-up do
it): several workers starting at once would otherwise race each other's migrations.
"""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

__all__ = ["unapplied_migrations"]


def unapplied_migrations(alias: str = DEFAULT_DB_ALIAS) -> list[str]:
    """The migrations the database still lacks, as ``app.name``."""
    executor = MigrationExecutor(connections[alias])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _ in plan]
