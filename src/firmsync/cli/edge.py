"""Where the CLI meets the services: Django set up on a migrated database, and the services'
refusals turned into one line on stderr and an exit code (no traceback unless ``-v``).

Every error the CLI prints, ours or click's, has its CNPs masked
(:func:`firmsync.identity.cnp.mask`): a value the user typed comes back in many of them."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import click

from firmsync.identity import cnp

__all__ = ["EXIT", "masked", "ready", "refusals"]

# crm.errors' classes by name → exit code: 1 not found or exists already, 2 refused input,
# 3 a provider out of reach.
EXIT = {"NotFound": 1, "Conflict": 1, "Invalid": 2, "Forbidden": 2, "Unavailable": 3}


def ready() -> None:
    """Django, on a database with every migration applied; else one line and exit 1."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "firmsync.project.settings")
    import django

    django.setup()
    from firmsync.project.migrations_check import unapplied_migrations

    missing = unapplied_migrations()
    if missing:
        click.echo(
            f"The database lacks {len(missing)} migration(s) ({missing[0]}…): "
            "run `firmsync migrate` first.",
            err=True,
        )
        sys.exit(1)


@contextmanager
def refusals() -> Iterator[None]:
    """A service's refusal as ``Refused: …`` / ``Not found: …`` and its exit code."""
    from firmsync.crm.errors import Forbidden, Invalid, ServiceError

    try:
        yield
    except ServiceError as error:
        import logging

        if logging.getLogger().isEnabledFor(logging.INFO):  # -v: the whole story
            logging.getLogger("firmsync.cli").exception("refused")
        kind = next(k for k in type(error).__mro__ if k.__name__ in EXIT).__name__
        prefix = "Refused" if isinstance(error, Forbidden | Invalid) else "Error"
        click.echo(cnp.mask(f"{prefix}: {error}"), err=True)
        sys.exit(EXIT[kind])


def masked(error: click.ClickException) -> click.ClickException:
    """A click error (a bad value, a missing file, our own ``ClickException``) with its CNPs
    masked before click prints it: ``Invalid value for 'ID': '1***********7'…``."""
    error.message = cnp.mask(error.message)
    return error
