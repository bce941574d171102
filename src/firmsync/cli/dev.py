"""``firmsync dev``: local stand-ins for the providers, for demos and benchmarks."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import click

from firmsync import conf
from firmsync.cli.common import err
from firmsync.sources.fake.anaf import FAILURES, FakeAnaf
from firmsync.sources.fake.openapi_ro import FakeOpenApiRo
from firmsync.sources.fake.portal import SCENARIOS as PORTAL_SCENARIOS

__all__ = ["dev"]

SCENARIOS: dict[str, tuple[float, tuple[str, ...]]] = {
    "ok": (0.0, FAILURES),
    "flaky": (0.2, FAILURES),  # a fifth of the requests fail, each in one of every way
    "firewall": (1.0, ("firewall",)),
    "maintenance": (1.0, ("maintenance",)),
    "down": (1.0, ("timeout", "reset", "server_error")),
}


@click.group()
def dev() -> None:
    """Development helpers: fake providers that behave like the real ones."""


def _register_facts() -> Any:
    """Names and register numbers from the local register, when there is one: the fake's
    records then agree with the register, as ANAF's do."""
    path = conf.load().data_dir / "registry.sqlite3"
    if not path.exists():
        return None
    from firmsync.registry.read import newest_registration
    from firmsync.registry.store import RegisterStore

    store = RegisterStore(conf.load().register_url, create=False)

    def known(cui: str) -> dict[str, Any] | None:
        row = newest_registration(store, cui)
        return dict(zip(("name", "reg_number", "registered_on"), row, strict=True)) if row else None

    return known


def _serve_until_stopped(fake: Any, host: str, port: int, variable: str) -> None:
    with fake.serve(host, port) as server:
        err().print(f"listening on {server.url} (counts at {server.url}/__stats); Ctrl-C stops")
        err().print(f"point firmsync at it: {variable}={server.url}", highlight=False)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            err().print(f"stopped: {fake.stats() if hasattr(fake, 'stats') else ''}")


@dev.command("fake-anaf")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8081, show_default=True)
@click.option(
    "--scenario",
    type=click.Choice(sorted(SCENARIOS)),
    default="ok",
    show_default=True,
    help="ok; flaky: 20% of requests fail in every way; firewall, maintenance, down.",
)
@click.option("--failure-rate", type=float, help="Override the scenario's share of failures.")
@click.option("--rate", default=1.0, show_default=True, help="Requests per second allowed.")
@click.option("--hang", default=35.0, show_default=True, help="Seconds a timeout holds on.")
def fake_anaf(
    host: str, port: int, scenario: str, failure_rate: float | None, rate: float, hang: float
) -> None:
    """A local ANAF (VAT registry v9 and /bilant) with its limits and its failures."""
    share, kinds = SCENARIOS[scenario]
    fake = FakeAnaf(
        rate=rate,
        failure_rate=share if failure_rate is None else failure_rate,
        failures=kinds,
        hang_seconds=hang,
        known=_register_facts(),
    )
    _serve_until_stopped(fake, host, port, "FIRMSYNC_ANAF_BASE_URL")


@dev.command("fake-openapi")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8082, show_default=True)
@click.option("--key", default="test-key", show_default=True, help="The API key it accepts.")
def fake_openapi(host: str, port: int, key: str) -> None:
    """A local openapi.ro (company, balances, search)."""
    _serve_until_stopped(FakeOpenApiRo(key=key), host, port, "FIRMSYNC_OPENAPI_BASE_URL")


@dev.command("fake-portal")
@click.option(
    "--dir",
    "root",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="The datasets, a folder each; generated here first when it has none.",
)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8083, show_default=True)
@click.option(
    "--scenario",
    type=click.Choice(PORTAL_SCENARIOS),
    default="ok",
    show_default=True,
    help="ok; truncated: each file's first download cut at half; slow; down: 503s.",
)
@click.option(
    "--companies",
    type=click.IntRange(min=1),
    default=2000,
    show_default=True,
    help="Companies of the samples generated when DIR has no datasets.",
)
@click.option("--rate", default=1.0, show_default=True, help="MB a second, when slow.")
def fake_portal(
    root: Path, host: str, port: int, scenario: str, companies: int, rate: float
) -> None:
    """A local data portal (CKAN) serving register snapshots and MF years."""
    from firmsync.sources.fake.portal import FIRST, SECOND, FakePortal, make_portal_sample

    if not any(root.glob("firme-*")):
        err().print(
            f"generating the samples in {root}: snapshots {FIRST} and {SECOND} "
            f"of {companies:,} companies, two MF years"
        )
        make_portal_sample(root, companies=companies)
    fake = FakePortal(root, scenario=scenario, rate=rate * 1_000_000)
    _serve_until_stopped(fake, host, port, "FIRMSYNC_PORTAL_URL")
