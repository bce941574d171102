"""``firmsync demo``: the embedded default, ready to look at."""

from __future__ import annotations

import click

from firmsync import conf
from firmsync.cli.common import build_names, names_path, open_store
from firmsync.enrichment.services.register import register_stats
from firmsync.identity import names
from firmsync.registry import read
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
        build_names()
    data = register_stats()
    click.echo(f"Register snapshot {data['snapshot']}: {data['registrations']:,} registrations")
    for status, count in data["by_status"].items():  # type: ignore[union-attr]
        click.echo(f"  {status:<12} {count:>8,}")
    examples = read.examples(store, 3)
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
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "firmsync.project.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)  # the demo sets itself up
    from firmsync.crm.errors import NotFound
    from firmsync.crm.selectors import account_named, cards_of
    from firmsync.crm.services import create_account
    from firmsync.enrichment.selectors import card_view
    from firmsync.enrichment.services.addon import activate
    from firmsync.enrichment.services.cards import create_card
    from firmsync.enrichment.services.refresh import sync_due
    from firmsync.enrichment.services.sync import Engine
    from firmsync.matching.matcher import Matcher
    from firmsync.sources.lookup import Providers

    try:
        account = account_named(DEMO_ACCOUNT)
    except NotFound:
        if len(examples) < 2:
            return
        account = create_account(
            name=DEMO_ACCOUNT, plan="professional", admin_email=DEMO_ADMIN, password="demo"
        )
        (cui, _), (_, name) = examples[0], examples[1]
        for fields in (
            {"name": "Client by CUI", "cui_input": f"RO {cui}"},
            {"name": names.key(name).title()},
            {"name": "Opted out", "cui_input": "x"},
        ):
            create_card(account, **fields)  # (the add-on is off yet: nothing is queued)
        activate(account, None, start_backfill=lambda _: None)
        engine = Engine(Providers(register=store), "register", Matcher.open(names_path()))
        sync_due(account=account, engine=engine)  # in the foreground, from the register
    click.echo(f"Demo account {DEMO_ACCOUNT!r} (administrator {DEMO_ADMIN}, password demo):")
    for card in cards_of(account):
        view = card_view(card)
        state = view["sync"]["state"] if view["sync"] else "not synced"
        click.echo(f"  firmsync company show {card.pk}   # {card.name}: {state}")
