"""``firmsync demo``: the embedded default, ready to look at."""

from __future__ import annotations

from contextlib import suppress

import click

from firmsync import conf
from firmsync.enrichment.services.register import (
    name_index_build,
    register_examples,
    register_import,
    register_stats,
)
from firmsync.identity import names
from firmsync.registry.sample import make_sample


@click.command()
@click.option("--companies", type=click.IntRange(min=100), default=200_000, show_default=True)
@click.option("--no-serve", is_flag=True, help="Prepare only (for scripts); do not serve.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.pass_context
def demo(ctx: click.Context, companies: int, no_serve: bool, port: int) -> None:
    """Prepare a sample register (generated, in the official formats) and a demo account,
    then serve the web UI and the API with a worker until Ctrl-C — offline."""
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
    examples = register_examples(12)
    click.echo("Try, for example:")
    for cui, name in examples[:3]:
        click.echo(f"  firmsync registry show {cui}   # {name}")
    for _, name in examples[:2]:
        click.echo(f"  firmsync match {' '.join(names.key(name).split()[:2]).title()!r}")
    _demo_account(examples)
    # `firmsync serve` may use the development secret key on a demo's data folder.
    (conf.load().data_dir / conf.DEMO_MARK).write_text("prepared by `firmsync demo`: sample data\n")
    if no_serve:
        click.echo("Serve it: firmsync serve   (then sign in at http://127.0.0.1:8000/)")
        return
    from firmsync.cli.serve import serve

    click.echo(f"Sign in at http://127.0.0.1:{port}/ — Ctrl-C stops it.")
    ctx.invoke(serve, host="127.0.0.1", port=port, workers=None, threads=4, no_worker=False)


DEMO_ACCOUNT, DEMO_ADMIN, DEMO_MEMBER = "Demo", "demo@firmsync.local", "ana@firmsync.local"


def _demo_account(examples: list[tuple[str, str]]) -> None:
    """A demo account — an administrator and a member — with cards in every state a user
    meets: synced by CUI and by name, waiting for a choice, no match, a CUI no source
    knows, foreign, opted out; synced from the sample register (offline: the demo asks no
    live source)."""
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "firmsync.project.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)  # the demo sets itself up
    from firmsync.crm.errors import Conflict, NotFound
    from firmsync.crm.selectors import account_named, cards_of
    from firmsync.crm.services import add_member, create_account
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
        cards = [
            {"name": "Client by CUI", "cui_input": f"RO {cui}"},
            {"name": names.key(name).title()},
            {"name": "Brutăria Zzyzx Imaginară"},  # no registered company has this name
            {"name": "A CUI no one knows", "cui_input": "RO 999999908"},  # valid, unused
            {"name": "Müller GmbH", "country": "DE", "county": "Bayern"},
            {"name": "Opted out", "cui_input": "x"},
        ]
        ambiguous = _ambiguous_name(examples)
        if ambiguous:
            cards.insert(2, {"name": ambiguous})
        for fields in cards:
            create_card(account, **fields)  # (the add-on is off yet: nothing is queued)
        activate(account, None, start_backfill=lambda _: None)
        sync_due(account=account, sources=("register",))  # now, offline: from the register
    with suppress(Conflict):  # (a member already: a demo prepared before)
        add_member(account=account, email=DEMO_MEMBER, password="demo")
    click.echo(
        f"Demo account {DEMO_ACCOUNT!r}: sign in as {DEMO_ADMIN} (administrator) or "
        f"{DEMO_MEMBER} (member), password demo. Its cards:"
    )
    for card in cards_of(account):
        view = card_view(card)
        state = view["sync"]["state"] if view["sync"] else "not synced"
        click.echo(f"  firmsync company show {card.pk}   # {card.name}: {state}")


def _ambiguous_name(examples: list[tuple[str, str]]) -> str | None:
    """A name the register holds several plausible companies for: the first word of a
    registered name, as users often type just that."""
    from firmsync.enrichment.services.register import register_search

    for _, name in examples:
        words = names.key(name).split()
        for typed in (words[0], " ".join(words[:2])):
            if len(typed) > 3 and register_search(typed).decision == "review":
                return typed.title()
    return None
