"""``firmsync lookup``: a company's facts by CUI, from one source or all of them merged."""

from __future__ import annotations

import json
import sys

import click

from firmsync.cli.common import err
from firmsync.cli.edge import ready, refusals

__all__ = ["lookup"]

CHOICES = ("all", "register", "anaf", "openapi")


@click.command()
@click.argument("cuis", nargs=-1, required=True, metavar="CUI…")
@click.option(
    "--source",
    type=click.Choice(CHOICES),
    default="all",
    show_default=True,
    help="One source, or all of them merged field by field.",
)
@click.option("--json", "as_json", is_flag=True, help="Compact JSON on one line.")
def lookup(cuis: tuple[str, ...], source: str, as_json: bool) -> None:
    """Facts for each CUI: one CompanyFacts object (a JSON list when several).

    Exit 1 if a CUI is unknown to the sources asked, 2 if one is not a valid CUI, 3 if a
    source failed (the CUI's facts are then not printed: they would be incomplete).
    """
    if source in ("anaf", "all"):
        ready()  # ANAF is asked through the deployment's fetcher, in the CRM's database
    from firmsync.enrichment.services.lookup import lookup_facts

    with refusals():
        looked = lookup_facts(list(cuis), source)
    printed, code = [], 0
    for one in looked:
        if one.error is not None:
            err().print(f"CUI {one.cui}: {one.error} ({one.error.kind})", highlight=False)
            code = 3
        elif one.facts is None:
            err().print(f"CUI {one.cui}: not found ({source})", highlight=False)
            code = code or 1
        else:
            printed.append(one.facts.to_dict())
    if printed:
        data = printed[0] if len(cuis) == 1 else printed
        click.echo(json.dumps(data, ensure_ascii=False, indent=None if as_json else 2))
    sys.exit(code)
