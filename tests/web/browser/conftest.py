"""Real Chromium against the real app: pytest-django's live server (the whole middleware
stack, static files, the test database) driven through Playwright.

One browser for these tests, a new context (cookies, storage) for each test. The tests
skip when Debian's Chromium is missing, so the rest of the suite runs without it; CI
installs it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from playwright.sync_api import Browser, ConsoleMessage, Page, expect, sync_playwright
from pytest_django.live_server_helper import LiveServer

from ..conftest import (  # noqa: F401  (fixtures)
    CARDIOFORCE,
    LEMNLIND,
    TRADECENTER,
    Member,
    active,
    add_card,
    ana,
    bob,
    browser,
    configured,
    ion,
    register,
)

__all__ = [
    "CARDIOFORCE",
    "TRADECENTER",
    "Member",
    "add_card",
    "assert_axe_clean",
    "axe_violations",
    "expect_synced",
    "fill_acme",
]

CHROMIUM = Path("/usr/bin/chromium")
# Headless and quiet: without the background-networking flags Chromium reaches out to
# Google's hosts (updates, sync, field trials), which a test machine may well refuse; no
# sandbox, which needs privileges a container running as root does not grant.
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 800}
AXE = (Path(__file__).parent / "assets" / "axe.min.js").read_text(encoding="utf-8")
# The README's screenshots: FIRMSYNC_SCREENSHOTS=docs/screenshots refreshes these (and only
# these) in the repository; every other shot stays in the test's temporary folder.
README_SHOTS = {"login", "companies", "card", "new-card", "settings"}


@pytest.fixture(scope="package")
def chromium(django_db_setup: None) -> Iterator[Browser]:
    """One browser for the browser tests, closed when they are done.

    Playwright's sync API keeps its event loop marked as running in this thread while it is
    open, and Django refuses ORM calls wherever a loop runs (they might be async code's).
    Here the only loop is Playwright's own and the test code stays synchronous, so the check
    is lifted for as long as the browser is open, and no longer: the package scope ends both
    before the rest of the suite runs.
    """
    if not CHROMIUM.exists():
        pytest.skip(f"browser tests need Chromium at {CHROMIUM} (Debian package chromium)")
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=ARGS
        )
        yield launched
        launched.close()


def _refusal(message: ConsoleMessage) -> bool:
    """Whether the console message is Chromium's report of something the page's
    Content-Security-Policy blocked: "Refused to load …" in older versions, "Loading …
    violates the following Content Security Policy directive …" in newer ones."""
    text = message.text
    return message.type == "error" and (
        text.startswith("Refused to") or "Content Security Policy" in text
    )


@pytest.fixture
def refused() -> list[str]:
    """What the page's Content-Security-Policy blocked, as the browser's console said it."""
    return []


@pytest.fixture
def page(chromium: Browser, live_server: LiveServer, refused: list[str]) -> Iterator[Page]:
    """A fresh tab in a fresh context, in Romanian, at the size of the README's shots.

    The console is watched on every page the tab loads: anything the Content-Security-Policy
    blocked fails the test, so that a blocked script or style never goes unnoticed."""
    context = chromium.new_context(
        base_url=live_server.url, viewport=VIEWPORT, locale="ro-RO", timezone_id="Europe/Bucharest"
    )
    context.set_default_timeout(5_000)  # a local server: anything slower is a failure
    tab = context.new_page()
    tab.on("console", lambda message: refused.append(message.text) if _refusal(message) else None)
    yield tab
    context.close()
    assert not refused, "the Content-Security-Policy blocked:\n" + "\n".join(refused)


@pytest.fixture
def sign_in(page: Page, live_server: LiveServer) -> Callable[[Member], None]:
    """Signs ``member`` in without the form (the session cookie of a forced login): the form
    has a test of its own."""

    def signed_in(member: Member) -> None:
        session = browser(member).cookies[settings.SESSION_COOKIE_NAME].value
        page.context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
        )

    return signed_in


@pytest.fixture
def shot(page: Page, tmp_path: Path, request: pytest.FixtureRequest) -> Callable[[str], Path]:
    """Saves what the page shows as ``name``.png: in the test's temporary folder, or for the
    README's pages in ``FIRMSYNC_SCREENSHOTS`` (relative to the repository) when set."""
    wanted = os.environ.get("FIRMSYNC_SCREENSHOTS")
    docs = request.config.rootpath / wanted if wanted else None

    def take(name: str) -> Path:
        folder = docs if docs is not None and name in README_SHOTS else tmp_path
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{name}.png"
        page.screenshot(path=path)
        return path

    return take


def fill_acme(member: Member) -> dict[str, int]:
    """A few cards of every kind for an account with the add-on on: synced from the register
    (active, in insolvency), a name the matcher cannot settle, and an opt-out."""
    return {
        "trade": add_card(member, "Trade Center", f"RO {TRADECENTER}"),
        "cardio": add_card(member, "Cardioforce", CARDIOFORCE),
        "lemn": add_card(member, "Lemn Lind", LEMNLIND),
        "nameless": add_card(member, "Atelierul Ionescu", county="Cluj"),
        "opted_out": add_card(member, "Vecinul", "x"),
    }


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations on the page as it is now. Evaluated rather
    than added as a script tag, so that a Content-Security-Policy cannot stop the check."""
    page.evaluate(AXE)
    violations = page.evaluate("axe.run(document).then(r => r.violations)")
    return [v for v in violations if v["impact"] in ("serious", "critical")]


def expect_synced(page: Page, legal_name: str) -> None:
    """The card page shows the card synced, its official data locked: each locked field with
    the lock, its source and date, the legal name among them."""
    expect(page.get_by_role("heading", name="Sincronizare: sincronizată")).to_be_visible()
    official = page.get_by_role("region", name="Date oficiale")
    field = official.locator(".field.locked", has_text="Denumire oficială")
    expect(field.locator("dd")).to_contain_text(legal_name)
    expect(field.get_by_role("img", name="blocat")).to_be_visible()
    expect(field.locator(".source")).to_have_text(re.compile(r"^sursa: .+, \d{1,2} \w+ \d{4}$"))


def _report(page_name: str, violations: list[dict[str, Any]]) -> list[str]:
    return [
        f"{page_name}: {v['id']} ({v['impact']}): {v['help']}\n"
        + "\n".join(f"    {node['target']} {node['html']}" for node in v["nodes"])
        for v in violations
    ]


def duplicate_ids(page: Page) -> list[str]:
    """The ids the page uses more than once. axe no longer reports them, but a label's
    ``for`` or an ``aria-labelledby`` then names the first element only."""
    return page.evaluate(
        """() => {
            const ids = [...document.querySelectorAll("[id]")].map((e) => e.id);
            return [...new Set(ids.filter((id, i) => ids.indexOf(id) !== i))];
        }"""
    )


def assert_axe_clean(pages: dict[str, Callable[[], None]], page: Page) -> None:
    """Shows each page in turn (``name``: what brings the tab to it) and runs axe-core on it
    there; fails once all are seen, listing every serious or critical violation found, and
    every id used twice."""
    found: list[str] = []
    for name, show in pages.items():
        show()
        found += _report(name, axe_violations(page))
        found += [f"{name}: id {id_!r} used more than once" for id_ in duplicate_ids(page)]
    assert not found, "accessibility problems:\n" + "\n".join(found)
