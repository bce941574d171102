"""``firmsync lookup``: a company's facts by CUI, from one source or all of them merged."""

from __future__ import annotations

import json
import sys

import click

from firmsync import conf
from firmsync.cli.common import err, open_store
from firmsync.identity import cui as cui_id
from firmsync.identity.exceptions import IdentityError
from firmsync.sources.configured import anaf_client
from firmsync.sources.lookup import CHOICES, Providers
from firmsync.sources.lookup import lookup as look_up
from firmsync.sources.openapi_ro import OpenApiRoClient

__all__ = ["lookup"]


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
    canonical = []
    for raw in cuis:
        try:
            canonical.append(cui_id.validate(raw))
        except IdentityError as error:
            err().print(f"Invalid CUI {raw!r}: {error}")
            sys.exit(2)
    config = conf.load()
    providers = Providers()
    if source in ("register", "all"):
        providers.register = open_store()
    if source in ("anaf", "all"):
        providers.anaf = anaf_client()
    if source == "openapi" or (source == "all" and config.openapi_key):
        if not config.openapi_key:
            err().print("openapi.ro needs a key: set FIRMSYNC_OPENAPI_KEY")
            sys.exit(2)
        providers.openapi = OpenApiRoClient(config.openapi_key, config.openapi_base_url)
    looked = look_up(canonical, source, providers)
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
