"""``firmsync demo``: the embedded default, ready to look at."""

from __future__ import annotations

import click

from firmsync import conf
from firmsync.cli.common import build_names, names_path, open_store
from firmsync.cli.registry import stats_data
from firmsync.identity import names
from firmsync.registry.importer import import_paths
from firmsync.registry.sample import make_sample
from firmsync.registry.store import RegisterStore


@click.command()
@click.option("--companies", type=click.IntRange(min=100), default=20_000, show_default=True)
def demo(companies: int) -> None:
    """Prepare a sample register (generated, in the official formats) and show its stats."""
    config = conf.load()
    sample = config.data_dir / "sample"
    store = open_store()
    if store.meta("snapshot") is None:
        click.echo(f"Generating a sample register of {companies:,} companies in {sample} …")
        make_sample(sample, companies=companies)
        click.echo("Importing it …")
        import_paths(store, [sample], reports_dir=config.data_dir / "import-reports")
    if not (names_path() / "meta.json").exists():
        click.echo("Indexing the names …")
        build_names(store)
    data = stats_data(store)
    click.echo(f"Register snapshot {data['snapshot']}: {data['registrations']:,} registrations")
    for status, count in data["by_status"].items():  # type: ignore[union-attr]
        click.echo(f"  {status:<12} {count:>8,}")
    examples = store.query(
        "SELECT r.cui, r.name FROM registration_view AS r WHERE r.status = 'active' "
        "AND r.cui IN (SELECT cui FROM financial) ORDER BY r.line LIMIT 3"
    ) + store.query(
        "SELECT cui, MIN(name) FROM registration WHERE cui IS NOT NULL "
        "GROUP BY cui HAVING COUNT(*) > 1 LIMIT 1"
    )
    click.echo("Try, for example:")
    for cui, name in examples:
        click.echo(f"  firmsync registry show {cui}   # {name}")
    for _, name in examples[:2]:
        click.echo(f"  firmsync match {' '.join(names.key(name).split()[:2]).title()!r}")
    _demo_account(store, examples)


DEMO_ACCOUNT, DEMO_ADMIN = "Demo", "demo@firmsync.local"


def _demo_account(store: RegisterStore, examples: list[tuple[str, str]]) -> None:
    """A demo account with three cards — by CUI, by name, opted out — synced from the
    sample register (offline: the demo asks no live source)."""
    from firmsync.cli.crm import _django

    _django()
    from django.contrib.auth.models import User

    from firmsync.crm.models import Account, Membership
    from firmsync.crm.services import create_company
    from firmsync.enrichment.models import SyncState
    from firmsync.enrichment.services.addon import activate
    from firmsync.enrichment.services.sync import Engine, sync_cards
    from firmsync.matching.matcher import Matcher
    from firmsync.sources.lookup import Providers

    account = Account.objects.filter(name=DEMO_ACCOUNT).first()
    if account is None and len(examples) >= 2:
        account = Account.objects.create(name=DEMO_ACCOUNT, plan=Account.Plan.PROFESSIONAL)
        admin = User.objects.filter(username=DEMO_ADMIN).first() or User.objects.create_user(
            DEMO_ADMIN, DEMO_ADMIN, "demo"
        )
        Membership.objects.create(account=account, user=admin, role=Membership.Role.ADMIN)
        (cui, _), (_, name) = examples[0], examples[1]
        cards = [
            create_company(account, name="Client by CUI", cui_input=f"RO {cui}"),
            create_company(account, name=names.key(name).title()),
            create_company(account, name="Opted out", cui_input="x"),
        ]
        activate(account, admin, start_backfill=lambda _: None)
        engine = Engine(Providers(register=store), "register", Matcher.open(names_path()))
        sync_cards(cards, engine)
    if account is None:
        return
    click.echo(f"Demo account {DEMO_ACCOUNT!r} (administrator {DEMO_ADMIN}, password demo):")
    for state in SyncState.objects.filter(company__account=account).select_related("company"):
        card = state.company
        click.echo(f"  firmsync company show {card.pk}   # {card.name}: {state.state}")
