"""``firmsync demo``: the embedded default, ready to look at."""

from __future__ import annotations

import click

from firmsync import conf
from firmsync.cli.common import build_names, names_path, open_store
from firmsync.cli.registry import stats_data
from firmsync.identity import names
from firmsync.registry.importer import import_paths
from firmsync.registry.sample import make_sample


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
