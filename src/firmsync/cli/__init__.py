"""The ``firmsync`` console script: firmsync's own commands, then Django's.

``firmsync registry …`` and the other commands below are click commands; anything else
(``firmsync migrate``, ``firmsync createsuperuser``…) goes to Django's manage.py machinery,
so one script runs everything. Errors become a message and an exit code at the edge
(:mod:`firmsync.cli.edge`).

The group knows each command's name, module and one-line help without importing it (click's
"lazily loading subcommands" pattern): ``firmsync --help`` imports none of them, and a
command imports only its own module. ``tests/test_cli_startup.py`` keeps the table below
in step with the commands themselves.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Mapping
from typing import Any

import click
from click.exceptions import NoArgsIsHelpError

__all__ = ["COMMANDS", "LazyGroup", "cli", "main"]

# name: ("module:attribute", the command's one-line help, as click shortens its docstring)
COMMANDS: Mapping[str, tuple[str, str]] = {
    "account": ("firmsync.cli.crm:account", "Accounts of the CRM."),
    "addon": (
        "firmsync.cli.crm:addon",
        "Switch the add-on on or off for an account, and set it up.",
    ),
    "backup": (
        "firmsync.cli.backup:backup",
        "Copy the CRM, the register, the queue and the name index into DIR while firmsync runs "
        "(what is in PostgreSQL: the pg_dump command is printed).",
    ),
    "company": ("firmsync.cli.crm:company", "Company cards."),
    "fetcher": (
        "firmsync.cli.crm:fetcher",
        "Send the deployment's ANAF requests while this process holds the fetcher's lease "
        "(one holder at a time; `firmsync worker` runs one beside its jobs).",
    ),
    "demo": (
        "firmsync.cli.demo:demo",
        "Prepare a sample register (generated, in the official formats) and a demo account, "
        "then serve the web UI and the API with a worker until Ctrl-C — offline.",
    ),
    "dev": (
        "firmsync.cli.dev:dev",
        "Development helpers: fake providers that behave like the real ones.",
    ),
    "lookup": (
        "firmsync.cli.lookup:lookup",
        "Facts for each CUI: one CompanyFacts object (a JSON list when several).",
    ),
    "match": (
        "firmsync.cli.match:match",
        "Find the registration behind a company NAME: linked, review (candidates) or none.",
    ),
    "registry": (
        "firmsync.cli.registry:registry",
        "The local mirror of the official register (ONRC) and MF financial statements.",
    ),
    "restore": (
        "firmsync.cli.backup:restore",
        "Bring back the backup in DIR (`firmsync backup`), with the workers stopped.",
    ),
    "serve": (
        "firmsync.cli.serve:serve",
        "Serve the web and the API (gunicorn, threads) and run the background jobs beside it.",
    ),
    "sync": ("firmsync.cli.crm:sync", "Run the sync engine."),
    "token": (
        "firmsync.cli.crm:token",
        "API tokens of members: shown once, stored hashed, revocable.",
    ),
    "usage": (
        "firmsync.cli.crm:usage",
        "Companies fetched in a month and the statement: base fee plus overage.",
    ),
    "worker": (
        "firmsync.cli.crm:worker",
        "Run the background jobs until stopped (Ctrl-C): syncs, the backfill's batches side "
        "by side, the refresh of due cards, the closing of past months; and the ANAF fetcher.",
    ),
}


class LazyGroup(click.Group):
    """A group whose commands are imported when one is run, not when the group is built."""

    def __init__(self, *args: Any, lazy: Mapping[str, tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = lazy

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.lazy:
            module, _, attribute = self.lazy[cmd_name][0].partition(":")
            command = getattr(importlib.import_module(module), attribute)
            if not isinstance(command, click.Command):
                raise TypeError(f"{module}:{attribute} is not a click command")
            self.add_command(command, cmd_name)
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; an error click prints is masked first (:mod:`firmsync.cli.edge`)."""
        try:
            return super().invoke(ctx)
        except click.ClickException as error:
            from firmsync.cli.edge import masked

            masked(error)
            raise

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The commands and their help, as click lists them, from the table for those not
        loaded: listing them must not import them."""
        commands = [
            (name, self.commands[name])
            if name in self.commands
            else (name, click.Command(name, help=self.lazy[name][1]))
            for name in self.list_commands(ctx)
        ]
        commands = [(name, command) for name, command in commands if not command.hidden]
        if not commands:
            return
        limit = formatter.width - 6 - max(len(name) for name, _ in commands)
        with formatter.section("Commands"):
            formatter.write_dl([(name, c.get_short_help_str(limit)) for name, c in commands])


@click.group(cls=LazyGroup, lazy=COMMANDS, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", is_flag=True, help="Log what each step does and takes.")
def cli(verbose: bool) -> None:
    """firmsync: official Romanian company data for your CRM's company cards.

    Django's management commands (migrate, check, createsuperuser, …) run through this
    script too: firmsync migrate.
    """
    import logging  # here, not at the top: ``--help`` never gets this far

    from firmsync.logs import mask_records

    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(asctime)s %(name)s: %(message)s",
    )
    mask_records()  # also for the commands that never set Django up


def main(argv: list[str] | None = None) -> None:
    # What firmsync writes (databases, kept files, reports) holds an account's clients and
    # their administrators' names: readable by its owner only.
    os.umask(0o077)
    from firmsync.cli.lifetime import adopt

    adopt()
    args = sys.argv[1:] if argv is None else argv
    if args and not args[0].startswith("-") and args[0] not in COMMANDS:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "firmsync.project.settings")
        from django.core.management import execute_from_command_line, get_commands

        if args[0] not in get_commands() and args[0] not in ("help", "version"):
            click.echo(f"Refused: no such command {args[0]!r} (see firmsync -h)", err=True)
            sys.exit(2)
        execute_from_command_line(["firmsync", *args])
        return
    try:
        code = cli.main(args=args, prog_name="firmsync", standalone_mode=False)
    except NoArgsIsHelpError as error:  # a group named alone: its help, as click shows it
        error.show()
        sys.exit(error.exit_code)
    except click.UsageError as error:  # (click's own: a bad option value, a missing argument)
        where = error.ctx.command_path if error.ctx else "firmsync"
        click.echo(f"Refused: {error.format_message()} (see {where} -h)", err=True)
        sys.exit(2)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    except click.Abort:
        click.echo("Aborted!", err=True)
        sys.exit(1)
    if isinstance(code, int):  # (standalone_mode=False returns an Exit's code)
        sys.exit(code)
