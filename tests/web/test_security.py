"""The pages' security: a Content-Security-Policy that allows no inline script or style and
nothing from another host, pages that need none, CSRF on every change, and `firmsync check
--deploy` clean under production settings."""

from __future__ import annotations

import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from .conftest import TRADECENTER, Member, browser

pytestmark = pytest.mark.django_db(transaction=True)


def _pages(member: Member) -> list[str]:
    card = member.api.post("/companies", {"name": "T", "cui_input": TRADECENTER}).body["id"]
    return [
        "/",
        f"/companies/{card}/",
        "/companies/new/",
        "/companies/review/",
        "/alerts/",
        "/usage/",
        "/settings/company-completion/",
        "/settings/tokens/",
        "/settings/members/",
        "/settings/webhooks/",
    ]


def test_every_page_is_served_with_a_strict_policy_and_needs_no_inline_code(
    active: Member,
) -> None:
    client = browser(active, "en")
    for path in [*_pages(active), "/api/docs"]:
        answer = client.get(path)
        assert answer.status_code == 200, path
        policy = answer["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "style-src 'self'" in policy, path
        assert "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy
        html = answer.content.decode()
        inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
        assert all('type="application/json"' in attrs for attrs in inline), path
        assert not re.search(r"<[^>]+\sstyle=", html) and "<style" not in html, path
        assert not re.search(r"""\son\w+=["']""", html), path  # no onclick= and the like


def test_a_change_without_the_csrf_token_is_refused(active: Member) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(get_user_model().objects.get(username=active.email))
    refused = client.post("/companies/new/", {"name": "No token", "country": "RO"})
    assert refused.status_code == 403


def test_the_deployment_check_is_clean_under_production_settings(tmp_path: Path) -> None:
    env = {
        "PATH": "/usr/bin:/bin",
        "FIRMSYNC_DATA_DIR": str(tmp_path),
        "FIRMSYNC_SECRET_KEY": secrets.token_urlsafe(50),
        "FIRMSYNC_HTTPS": "true",
        "FIRMSYNC_ALLOWED_HOSTS": "crm.example.ro",
    }
    firmsync = str(Path(sys.executable).with_name("firmsync"))
    checked = subprocess.run(
        [firmsync, "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "no issues" in checked.stdout
