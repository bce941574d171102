"""``firmsync demo``: the embedded default, ready to look at."""

from __future__ import annotations

import click

from firmsync import conf
from firmsync.cli.serve import DEMO_MARK
from firmsync.enrichment.services.register import (
    name_index_build,
    register_examples,
    register_import,
    register_stats,
)
from firmsync.identity import names
from firmsync.registry.sample import make_sample


@click.command()
@click.option("--companies", type=click.IntRange(min=100), default=20_000, show_default=True)
def demo(companies: int) -> None:
    """Prepare a sample register (generated, in the official formats) and show its stats."""
    sample = conf.load().data_dir / "sample"
    if register_stats()["snapshot"] is None:
        click.echo(f"Generating a sample register of {companies:,} companies in {sample} …")
        make_sample(sample, companies=companies)
        click.echo("Importing it and indexing its names …")
        register_import([sample])
    elif not (conf.load().data_dir / "names" / "meta.json").exists():
        click.echo("Indexing the names …")
        name_index_build()
    data = register_stats()
    click.echo(f"Register snapshot {data['snapshot']}: {data['registrations']:,} registrations")
    for status, count in data["by_status"].items():  # type: ignore[union-attr]
        click.echo(f"  {status:<12} {count:>8,}")
    examples = register_examples(3)
    click.echo("Try, for example:")
    for cui, name in examples:
        click.echo(f"  firmsync registry show {cui}   # {name}")
    for _, name in examples[:2]:
        click.echo(f"  firmsync match {' '.join(names.key(name).split()[:2]).title()!r}")
    _demo_account(examples)
    # `firmsync serve` may use the development secret key on a demo's data folder.
    (conf.load().data_dir / DEMO_MARK).write_text("prepared by `firmsync demo`: sample data\n")
    click.echo("Serve it: firmsync serve   (then firmsync token create demo@firmsync.local)")


DEMO_ACCOUNT, DEMO_ADMIN = "Demo", "demo@firmsync.local"


def _demo_account(examples: list[tuple[str, str]]) -> None:
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
        sync_due(account=account, sources=("register",))  # now, offline: from the register
    click.echo(f"Demo account {DEMO_ACCOUNT!r} (administrator {DEMO_ADMIN}, password demo):")
    for card in cards_of(account):
        view = card_view(card)
        state = view["sync"]["state"] if view["sync"] else "not synced"
        click.echo(f"  firmsync company show {card.pk}   # {card.name}: {state}")
