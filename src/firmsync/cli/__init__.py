"""The ``firmsync`` console script: firmsync's own commands, then Django's.

``firmsync registry …`` and the other commands below are click commands; anything else
(``firmsync migrate``, ``firmsync createsuperuser``…) goes to Django's manage.py machinery,
so one script runs everything. Errors become a message and an exit code here, at the edge.
"""

from __future__ import annotations

import logging
import os
import sys

import click

from firmsync.cli.crm import account, addon, company, sync, usage, worker
from firmsync.cli.demo import demo
from firmsync.cli.dev import dev
from firmsync.cli.lookup import lookup
from firmsync.cli.match import match
from firmsync.cli.registry import registry

__all__ = ["cli", "main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", is_flag=True, help="Log what each step does and takes.")
def cli(verbose: bool) -> None:
    """firmsync: official Romanian company data for your CRM's company cards.

    Django's management commands (migrate, check, createsuperuser, …) run through this
    script too: firmsync migrate.
    """
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(asctime)s %(name)s: %(message)s",
    )


cli.add_command(registry)
cli.add_command(demo)
cli.add_command(match)
cli.add_command(lookup)
cli.add_command(dev)
for command in (account, addon, company, sync, usage, worker):
    cli.add_command(command)


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if args and not args[0].startswith("-") and args[0] not in cli.commands:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "firmsync.project.settings")
        from django.core.management import execute_from_command_line

        execute_from_command_line(["firmsync", *args])
        return
    cli.main(args=args, prog_name="firmsync")
