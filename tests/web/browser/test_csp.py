"""The watch on the console that every browser test keeps: what the Content-Security-Policy
blocks is reported there by Chromium (as an error naming the Content Security Policy), and
fails the test."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from .conftest import Member

pytestmark = pytest.mark.django_db(transaction=True)


def test_what_the_policy_blocks_is_caught(
    page: Page, ana: Member, sign_in: Callable[[Member], None], refused: list[str]
) -> None:
    sign_in(ana)
    page.goto("/")
    expect(page.get_by_role("heading", name="Companii", exact=True)).to_be_visible()
    assert refused == []  # the page as served needs nothing the policy forbids

    # An inline script and another host's image, as an injection would add them.
    with page.expect_console_message(lambda message: "elsewhere.example" in message.text):
        page.evaluate(
            """() => {
                const script = document.createElement("script");
                script.textContent = "window.injected = true";
                document.body.append(script);
                const image = document.createElement("img");
                image.src = "https://elsewhere.example/pixel.png";
                document.body.append(image);
            }"""
        )
    assert page.evaluate("window.injected === undefined")
    assert any("inline script" in text for text in refused), refused
    assert any("elsewhere.example" in text for text in refused), refused
    refused.clear()  # seen: the page fixture would fail the test on them
