"""The ``firmsync`` console script: firmsync's own commands, then Django's.

``firmsync registry …`` and the other commands below are click commands; anything else
(``firmsync migrate``, ``firmsync createsuperuser``…) goes to Django's manage.py machinery,
so one script runs everything. Errors become a message and an exit code at the edge
(:mod:`firmsync.cli.edge`).

The commands are loaded lazily (click's documented pattern): ``firmsync --help`` and each
command import only their own module, so a command starts in the time its own work needs,
not the time every module of the project takes to import.
"""

from __future__ import annotations

import importlib
import os
import sys

import click

__all__ = ["COMMANDS", "cli", "main"]

# name → (module, attribute, the one-line help `firmsync --help` shows without importing it;
# tests/test_cli.py checks these against the commands themselves).
COMMANDS: dict[str, tuple[str, str, str]] = {
    "registry": ("registry", "registry", "The local mirror of the official register (ONRC)…"),
    "demo": ("demo", "demo", "Prepare a sample register (generated, in the official…"),
    "match": ("match", "match", "Find the registration behind a company NAME: linked,…"),
    "lookup": ("lookup", "lookup", "Facts for each CUI: one CompanyFacts object (a JSON list…"),
    "dev": ("dev", "dev", "Development helpers: fake providers that behave like the…"),
    "account": ("crm", "account", "Accounts of the CRM."),
    "addon": ("crm", "addon", "Switch the add-on on or off for an account, and set it up."),
    "company": ("crm", "company", "Company cards."),
    "sync": ("crm", "sync", "Run the sync engine."),
    "usage": ("crm", "usage", "Companies fetched in a month and the statement: base fee…"),
    "worker": ("crm", "worker", "Run the background jobs until stopped (Ctrl-C): syncs,…"),
    "fetcher": ("crm", "fetcher", "Send the deployment's ANAF requests while this process…"),
}


class LazyGroup(click.Group):
    """A group whose commands are imported when they run, not when the group is built."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module, attribute, _ = COMMANDS[cmd_name]
        command = getattr(importlib.import_module(f"firmsync.cli.{module}"), attribute)
        assert isinstance(command, click.Command)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, short) for name, (_, _, short) in COMMANDS.items()]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", is_flag=True, help="Log what each step does and takes.")
def cli(verbose: bool) -> None:
    """firmsync: official Romanian company data for your CRM's company cards.

    Django's management commands (migrate, check, createsuperuser, …) run through this
    script too: firmsync migrate.
    """
    if verbose:  # (logging is imported only then: it costs every command ~10 ms of start-up)
        import logging

        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if args and not args[0].startswith("-") and args[0] not in COMMANDS:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "firmsync.project.settings")
        from django.core.management import execute_from_command_line

        execute_from_command_line(["firmsync", *args])
        return
    cli.main(args=args, prog_name="firmsync")
