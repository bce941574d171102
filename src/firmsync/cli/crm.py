"""Accounts, the add-on, cards, syncing and usage from the command line (the operator's view).

The same services as the web and the API; the operator acts as the account's operator
(the plan rule still holds). The CRM database is migrated on first use.
"""

from __future__ import annotations

import datetime
import json
import os
import sys
from typing import Any

import click

from firmsync.cli.common import progress_bar

__all__ = ["account", "addon", "company", "sync", "usage", "worker"]


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "firmsync.project.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


def _account(name: str) -> Any:
    from firmsync.crm.models import Account

    try:
        return Account.objects.get(name=name)
    except Account.DoesNotExist:
        click.echo(f"No account named {name!r}.", err=True)
        sys.exit(1)


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
    _django()
    from django.contrib.auth.models import User
    from django.db import transaction

    from firmsync.crm.models import Account, Membership

    if Account.objects.filter(name=name).exists():
        click.echo(f"An account named {name!r} exists already.", err=True)
        sys.exit(1)
    with transaction.atomic():
        created = Account.objects.create(name=name, plan=plan)
        user = User.objects.filter(username=admin_email).first() or User.objects.create_user(
            admin_email, admin_email, password
        )
        Membership.objects.create(account=created, user=user, role=Membership.Role.ADMIN)
    click.echo(f"Account {name!r} ({plan}) with administrator {admin_email}.")


@click.group()
def addon() -> None:
    """Switch the add-on on or off for an account."""


@addon.command("activate")
@click.argument("name")
def addon_activate(name: str) -> None:
    """Switch it on: every card of the account syncs (run `firmsync sync run`, or the worker)."""
    _django()
    from firmsync.enrichment.services.addon import NotAllowed, activate

    try:
        activate(_account(name), None)
    except NotAllowed as refusal:
        click.echo(f"Refused: {refusal}", err=True)
        sys.exit(2)
    click.echo(f"Add-on active for {name!r}: its cards are due for syncing.")


@addon.command("deactivate")
@click.argument("name")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def addon_deactivate(name: str, yes: bool) -> None:
    """Switch it off: shows what will be removed, then removes all provider data."""
    _django()
    from firmsync.enrichment.services.addon import NotAllowed, deactivate, removal_preview

    target = _account(name)
    click.echo("Deactivation removes:")
    for line in removal_preview(target).lines():
        click.echo(f"  {line}")
    click.echo("Usage and statements are kept.")
    if not yes and not click.confirm("Deactivate?"):
        sys.exit(1)
    try:
        deactivate(target, None)
    except NotAllowed as refusal:
        click.echo(f"Refused: {refusal}", err=True)
        sys.exit(2)
    click.echo(f"Add-on off for {name!r}; provider data removed, users' values restored.")


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
    """Add a card; with the add-on on, it syncs at the next `firmsync sync run`."""
    _django()
    from firmsync.crm.services import create_company

    card = create_company(
        _account(account_name),
        name=name,
        cui_input=cui,
        county=county,
        locality=locality,
        country=country,
    )
    click.echo(f"Card {card.pk}: {card.name}")


def card_data(card: Any) -> dict[str, Any]:
    from firmsync.crm.services import EDITABLE

    # (a card without the row raises RelatedObjectDoesNotExist, an AttributeError: None)
    sync_state = getattr(card, "sync", None)
    provenance = getattr(card, "provenance", None)
    return {
        "id": card.pk,
        "account": card.account.name,
        "cui": card.cui,
        **{f: _plain(getattr(card, f)) for f in EDITABLE},
        "euid": card.euid,
        "vat_payer": card.vat_payer,
        "efactura": card.efactura,
        "locked_fields": card.locked_fields,
        "addresses": [
            {
                "kind": a.kind,
                "origin": a.origin,
                "street": a.street,
                "number": a.number,
                "locality": a.locality,
                "county": a.county,
                "postal_code": a.postal_code,
            }
            for a in card.addresses.all()
        ],
        "sync": None
        if sync_state is None
        else {
            "state": sync_state.state,
            "method": sync_state.method,
            "probability": sync_state.probability,
            "candidates": sync_state.candidates,
            "last_synced_at": _plain(sync_state.last_synced_at),
            "next_due_at": _plain(sync_state.next_due_at),
            "last_error": sync_state.last_error or None,
        },
        "provenance": {
            field: {"source": held["source"], "as_of": held["as_of"] or None}
            for field, held in (provenance.fields if provenance else {}).items()
        },
        "financial_years": [
            {
                "year": f.year,
                "turnover": f.turnover,
                "net_profit": f.net_profit,
                "employees": f.employees,
                "source": f.source,
            }
            for f in card.financial_years.all()
        ],
        "representatives": [{"name": r.name, "role": r.role} for r in card.representatives.all()],
    }


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime.date | datetime.datetime) else value


@company.command("show")
@click.argument("card_id", type=int)
@click.option("--json", "as_json", is_flag=True)
def company_show(card_id: int, as_json: bool) -> None:
    """A card, its sync state, sources, financial years and administrators."""
    _django()
    from firmsync.crm.models import Company

    card = Company.objects.select_related("account").filter(pk=card_id).first()
    if card is None:
        click.echo(f"No card {card_id}.", err=True)
        sys.exit(1)
    data = card_data(card)
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
    _django()
    from collections import Counter

    from firmsync.enrichment.engine import configured_engine
    from firmsync.enrichment.services.sync import due_cards, sync_cards

    engine = configured_engine()
    account_id = _account(account_name).pk if account_name else None
    cards = due_cards(engine.now(), account_id=account_id)
    states: Counter[str] = Counter()
    with progress_bar() as bar:
        task = bar.add_task("cards", total=len(cards))
        for start in range(0, len(cards), batch):
            outcome = sync_cards(cards[start : start + batch], engine)
            states.update(outcome.states.values())
            bar.advance(task, len(cards[start : start + batch]))
    click.echo(f"{len(cards):,} cards: " + ", ".join(f"{n:,} {s}" for s, n in states.items()))


@click.command()
@click.argument("name")
@click.option("--month", help="YYYY-MM (default: this month, Bucharest time).")
@click.option("--json", "as_json", is_flag=True)
def usage(name: str, month: str | None, as_json: bool) -> None:
    """Companies fetched in a month and the statement: base fee plus overage."""
    _django()
    from django.utils import timezone

    from firmsync.enrichment.services.usage import month_of, statement

    bill = statement(_account(name), month or month_of(timezone.now()))
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
    side, the refresh of due cards, the closing of past months."""
    _django()
    from django.core.management import call_command
    from django.db import connections

    connections.close_all()  # each worker process opens its own
    call_command("run_huey", workers=workers or os.cpu_count() or 1, worker_type="process")
