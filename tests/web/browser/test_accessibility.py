"""axe-core on the pages there are: no serious or critical violation. These visits also
take the README's screenshots."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from .conftest import Member, axe_violations, fill_acme

pytestmark = pytest.mark.django_db(transaction=True)


def _report(page_name: str, violations: list[dict[str, Any]]) -> list[str]:
    return [
        f"{page_name}: {v['id']} ({v['impact']}): {v['help']}\n"
        + "\n".join(f"    {node['target']} {node['html']}" for node in v["nodes"])
        for v in violations
    ]


def test_the_login_page_the_list_and_a_card_pass_axe(
    page: Page, active: Member, sign_in: Callable[[Member], None], shot: Callable[[str], Path]
) -> None:
    cards = fill_acme(active)
    found: list[str] = []

    page.goto("/login/")
    expect(page.get_by_role("heading", name="Autentificare")).to_be_visible()
    shot("login")
    found += _report("login", axe_violations(page))

    sign_in(active)
    page.goto("/")
    expect(page.get_by_role("table")).to_be_visible()
    shot("companies")
    found += _report("companies", axe_violations(page))

    page.goto(f"/companies/{cards['trade']}/")
    expect(page.get_by_role("heading", name="Date oficiale")).to_be_visible()
    shot("card")
    found += _report("card", axe_violations(page))

    assert not found, "axe found serious or critical violations:\n" + "\n".join(found)
