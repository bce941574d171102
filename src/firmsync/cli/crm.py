"""Accounts, the add-on, cards, syncing and usage from the command line (the operator's view).

Each command parses its arguments, calls the service the web and the API call, and formats
the result; the operator acts for the account it names (the plan rule still holds). The
database must be migrated first (`firmsync migrate`).
"""

from __future__ import annotations

import functools
import json
import logging
import os
import signal
import sys
import threading

import click

from firmsync.cli.edge import ready, refusals
from firmsync.cli.lists import company_export, company_import

__all__ = ["account", "addon", "company", "fetcher", "sync", "token", "usage", "worker"]


@click.group()
def account() -> None:
    """Accounts of the CRM."""


@account.command("create")
@click.argument("name")
@click.option("--plan", type=click.Choice(["standard", "professional"]), default="standard")
@click.option("--admin", "admin_email", required=True, help="The administrator's e-mail.")
@click.option("--password", help="The administrator's password (none: cannot log in yet).")
def account_create(name: str, plan: str, admin_email: str, password: str | None) -> None:
    """Create an account and its administrator."""
    ready()
    from firmsync.crm.services import create_account

    with refusals():
        create_account(name=name, plan=plan, admin_email=admin_email, password=password)
    click.echo(f"Account {name!r} ({plan}) with administrator {admin_email}.")


@account.command("add-member")
@click.argument("name")
@click.argument("email")
@click.option("--role", type=click.Choice(["member", "admin"]), default="member")
@click.option("--password", help="The member's password (none: cannot log in yet).")
def account_add_member(name: str, email: str, role: str, password: str | None) -> None:
    """Add a member (or another administrator) to an account."""
    ready()
    from firmsync.crm.selectors import account_named
    from firmsync.crm.services import add_member

    with refusals():
        add_member(account=account_named(name), email=email, role=role, password=password)
    click.echo(f"{email} is now a {role} of {name!r}.")


@click.group()
def token() -> None:
    """API tokens of members: shown once, stored hashed, revocable."""


@token.command("create")
@click.argument("email")
@click.option("--name", default="", help="What the token is for (default: its date).")
@click.option("--account", "account_name", help="The account, if EMAIL is a member of several.")
def token_create_command(email: str, name: str, account_name: str | None) -> None:
    """Create a token for the member EMAIL; it is printed once, alone on the last line."""
    ready()
    from firmsync.crm.selectors import account_named
    from firmsync.crm.services import token_create

    with refusals():
        chosen = account_named(account_name) if account_name else None
        made, raw = token_create(email=email, account=chosen, name=name)
    click.echo(
        f"Token {made.pk} {made.name!r} for {email} of {made.membership.account.name!r}; "
        "it is shown only now:"
    )
    click.echo(raw)


@token.command("list")
@click.option("--account", "account_name", help="Only this account's tokens.")
@click.option("--email", help="Only this member's tokens.")
@click.option("--json", "as_json", is_flag=True)
def token_list(account_name: str | None, email: str | None, as_json: bool) -> None:
    """Tokens: name, member, account, when last used, whether revoked (never the token)."""
    ready()
    from firmsync.crm.selectors import account_named, tokens_of

    with refusals():
        chosen = account_named(account_name) if account_name else None
        found = tokens_of(account=chosen, email=email)
    rows = [
        {
            "id": t.pk,
            "name": t.name,
            "prefix": t.prefix,
            "email": t.membership.user.get_username(),
            "account": t.membership.account.name,
            "created_at": t.created_at.isoformat(),
            "last_used_at": t.last_used_at.isoformat() if t.last_used_at else None,
            "revoked": t.revoked_at is not None,
        }
        for t in found
    ]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False))
        return
    for row in rows:
        used = row["last_used_at"] or "never used"
        revoked = "  revoked" if row["revoked"] else ""
        click.echo(
            f"{row['id']:>5}  {row['prefix']}…  {row['name']}  {row['email']} "
            f"({row['account']})  {used}{revoked}"
        )


@token.command("revoke")
@click.argument("token_id", type=int)
def token_revoke_command(token_id: int) -> None:
    """Revoke a token by its id (`firmsync token list`); it stops working at once."""
    ready()
    from firmsync.crm.services import token_revoke

    with refusals():
        token_revoke(token_id=token_id)
    click.echo(f"Token {token_id} revoked.")


@click.group()
def addon() -> None:
    """Switch the add-on on or off for an account, and set it up."""


@addon.command("activate")
@click.argument("name")
def addon_activate(name: str) -> None:
    """Switch it on: every card of the account syncs (the worker runs the backfill)."""
    ready()
    from firmsync.crm.selectors import account_named
    from firmsync.enrichment.services.addon import activate

    with refusals():
        activate(account_named(name), None)
    click.echo(f"Add-on active for {name!r}: its cards are due for syncing.")


@addon.command("deactivate")
@click.argument("name")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def addon_deactivate(name: str, yes: bool) -> None:
    """Switch it off: shows what will be removed, then removes all provider data."""
    ready()
    from firmsync.crm.selectors import account_named
    from firmsync.enrichment.services.addon import deactivate, removal_preview

    with refusals():
        target = account_named(name)
        preview = removal_preview(target, None)  # (refused here if it cannot be switched)
        click.echo("Deactivation removes:")
        for line in preview.lines():
            click.echo(f"  {line}")
        click.echo("Usage and statements are kept.")
        if not yes and not click.confirm("Deactivate?"):
            sys.exit(1)
        deactivate(target, None)
    click.echo(f"Add-on off for {name!r}; provider data removed, users' values restored.")


@addon.command("settings")
@click.argument("name")
@click.option("--refresh-days", type=int, help="Refresh each card every N days (1–30).")
@click.option("--cap", type=int, help="At most N companies a month (0 or more).")
@click.option("--no-cap", is_flag=True, help="Remove the monthly cap.")
@click.option("--overage/--no-overage", default=None, help="Fetch beyond the included ones.")
@click.option("--json", "as_json", is_flag=True)
def addon_settings(
    name: str,
    refresh_days: int | None,
    cap: int | None,
    no_cap: bool,
    overage: bool | None,
    as_json: bool,
) -> None:
    """Show or change the refresh interval, the monthly cap and overage."""
    ready()
    from firmsync.crm.errors import Invalid
    from firmsync.crm.selectors import account_named
    from firmsync.enrichment.services.addon import UNSET, update_settings

    with refusals():
        if no_cap and cap is not None:
            raise Invalid("cap", "give --cap N or --no-cap, not both")
        settings = update_settings(
            account_named(name),
            None,
            refresh_days=refresh_days,
            monthly_cap=None if no_cap else (cap if cap is not None else UNSET),
            overage=overage,
        )
    data = {
        "active": settings.active,
        "refresh_days": settings.refresh_days,
        "monthly_cap": settings.monthly_cap,
        "overage": settings.overage,
    }
    if as_json:
        click.echo(json.dumps(data))
        return
    for key, value in data.items():
        click.echo(f"{key:<13} {value if value is not None else '-'}")


@click.group()
def company() -> None:
    """Company cards."""


@company.command("add")
@click.argument("account_name", metavar="ACCOUNT")
@click.option("--name", required=True)
@click.option("--cui", default="", help="As the user would type it (RO…, spaces, or x).")
@click.option("--county", default="")
@click.option("--locality", default="")
@click.option("--country", default="RO")
def company_add(
    account_name: str, name: str, cui: str, county: str, locality: str, country: str
) -> None:
    """Add a card; with the add-on on, its sync is queued at once (the worker runs it)."""
    ready()
    from firmsync.crm.selectors import account_named
    from firmsync.enrichment.services.cards import create_card

    with refusals():
        card = create_card(
            account_named(account_name),
            name=name,
            cui_input=cui,
            county=county,
            locality=locality,
            country=country,
        )
    click.echo(f"Card {card.pk}: {card.name}")


# A client list in and out: their own module, this group.
company.add_command(company_import)
company.add_command(company_export)


@company.command("link")
@click.argument("card_id", type=int)
@click.argument("cui")
def company_link(card_id: int, cui: str) -> None:
    """Link a card in review to one of its candidates (by CUI); it syncs to that company."""
    ready()
    from firmsync.crm.selectors import card_of
    from firmsync.enrichment.services.cards import link_card

    with refusals():
        link_card(card_of(card_id, account=None), cui)
    click.echo(f"Card {card_id} linked to CUI {cui}; its sync is queued.")


@company.command("delete")
@click.argument("card_id", type=int)
def company_delete(card_id: int) -> None:
    """Delete a card (its usage stays on the bill)."""
    ready()
    from firmsync.crm.selectors import card_of
    from firmsync.enrichment.services.cards import delete_card

    with refusals():
        delete_card(card_of(card_id, account=None))
    click.echo(f"Card {card_id} deleted.")


@company.command("show")
@click.argument("card_id", type=int)
@click.option("--json", "as_json", is_flag=True)
def company_show(card_id: int, as_json: bool) -> None:
    """A card, its sync state, sources, financial years and administrators."""
    ready()
    from firmsync.crm.selectors import card_of
    from firmsync.enrichment.selectors import card_view

    with refusals():
        data = card_view(card_of(card_id, account=None))
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    state = data["sync"]["state"] if data["sync"] else "not synced"
    click.echo(f"{data['name']}  [{state}]  CUI {data['cui'] or '-'}")
    for field in (
        "legal_name",
        "reg_number",
        "legal_form",
        "status",
        "caen_code",
        "turnover",
        "employees",
        "financial_year",
    ):
        value = data[field]
        if value not in ("", None):
            lock = " (locked)" if field in data["locked_fields"] else ""
            source = data["provenance"].get(field, {}).get("source", "")
            click.echo(f"  {field:<15} {value}{lock} {source}")


@click.group()
def sync() -> None:
    """Run the sync engine."""


@sync.command("run")
@click.option("--account", "account_name", help="Only this account's cards.")
@click.option("--batch", default=100, show_default=True, help="Cards fetched together.")
def sync_run(account_name: str | None, batch: int) -> None:
    """Sync every due card now, in the foreground (for scripts); prints what became of them."""
    ready()
    from firmsync.cli.common import progress_bar
    from firmsync.crm.selectors import account_named
    from firmsync.enrichment.services.refresh import sync_due

    with refusals(), progress_bar() as bar:
        chosen = account_named(account_name) if account_name else None
        task = bar.add_task("cards", total=None)
        states = sync_due(
            account=chosen,
            batch=batch,
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )
    total = sum(states.values())
    click.echo(f"{total:,} cards: " + ", ".join(f"{n:,} {s}" for s, n in states.items()))
    if total and states.get("error", 0) == total:  # nothing synced: scripts must see it
        click.echo("Error: every card's sync failed (see firmsync company show ID)", err=True)
        sys.exit(1)


@click.command()
@click.argument("name")
@click.option("--month", help="YYYY-MM (default: this month, Bucharest time).")
@click.option("--json", "as_json", is_flag=True)
def usage(name: str, month: str | None, as_json: bool) -> None:
    """Companies fetched in a month and the statement: base fee plus overage."""
    ready()
    from firmsync.crm.selectors import account_named
    from firmsync.enrichment.selectors import usage_statement

    with refusals():
        bill = usage_statement(account_named(name), month)
    if as_json:
        click.echo(json.dumps(bill.to_dict()))
        return
    so_far = "" if bill.final else " so far"
    click.echo(
        f"{bill.account} {bill.month}: {bill.companies:,} companies{so_far}"
        f" ({bill.included:,} included)"
    )
    click.echo(
        f"  base {bill.base} EUR + {bill.overage_companies:,} × overage = "
        f"{bill.overage} EUR → total {bill.total} EUR net"
    )


@click.command()
@click.option("--workers", type=int, help="Processes (default: one a core).")
def worker(workers: int | None) -> None:
    """Run the background jobs until stopped (Ctrl-C): syncs, the backfill's batches side by
    side, the refresh of due cards, the closing of past months; and the ANAF fetcher."""
    ready()
    from django.core.management import call_command
    from django.db import connections

    connections.close_all()  # each worker process opens its own
    from firmsync.cli.lifetime import die_with
    from firmsync.cli.outage import quiet_outages

    quiet_outages()
    # The worker's log is its record of work: firmsync's and huey's lines at INFO, once each
    # (huey adds a handler of its own to a "huey" logger that has none, and the root's
    # handler then prints its lines a second time).
    logging.getLogger("firmsync").setLevel(logging.INFO)
    logging.getLogger("huey").setLevel(logging.INFO)
    logging.getLogger("huey").addHandler(logging.NullHandler())

    # Every process forked from here (the job processes, the scheduler) ends with this one:
    # killed, as it has no handler for SIGTERM that ends it. A job cut short rolls back and
    # its cards stay due.
    os.register_at_fork(after_in_child=functools.partial(die_with, os.getpid(), signal.SIGKILL))

    stop = threading.Event()
    supervisor = threading.Thread(target=_keep_a_fetcher, args=(stop,), daemon=True)
    supervisor.start()
    try:
        call_command("run_huey", workers=workers or os.cpu_count() or 1, worker_type="process")
    finally:
        stop.set()
        supervisor.join(timeout=15)


def _keep_a_fetcher(stop: threading.Event) -> None:
    """``firmsync fetcher`` beside the job workers, started again whenever it dies (a fresh
    process: it must not share the workers' database connections)."""
    import subprocess

    from firmsync.cli.lifetime import child_environment

    while not stop.is_set():
        process = subprocess.Popen(
            [sys.executable, "-m", "firmsync.cli", "fetcher"], env=child_environment()
        )
        while process.poll() is None and not stop.wait(0.5):
            pass
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=15)
        stop.wait(1.0)


@click.command()
def fetcher() -> None:
    """Send the deployment's ANAF requests while this process holds the fetcher's lease (one
    holder at a time; `firmsync worker` runs one beside its jobs)."""
    ready()
    import signal

    from firmsync.cli.outage import quiet_outages
    from firmsync.enrichment.fetcher import hold_and_fetch

    quiet_outages()

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    hold_and_fetch(stop)
