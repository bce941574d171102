"""API tokens: created for a member and shown once, stored hashed, named, revocable, with
their last use; the CLI prints a new token alone on its last line."""

from __future__ import annotations

import datetime
import hashlib
import json

import pytest
from click.testing import CliRunner
from django.db import connection
from django.test.utils import CaptureQueriesContext

from firmsync.cli import cli
from firmsync.crm.models import ApiToken
from firmsync.crm.services import add_member, create_account, token_authenticate, token_create

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_token_create_prints_the_token_alone_on_its_last_line_and_stores_its_hash() -> None:
    create_account(name="Acme", admin_email="ana@acme.ro")
    out = _run("token", "create", "ana@acme.ro", "--name", "erp")
    raw = out.splitlines()[-1]
    assert raw.startswith("fs_") and " " not in raw and len(raw) > 40
    stored = ApiToken.objects.get()
    assert stored.name == "erp" and stored.digest == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in json.dumps(list(ApiToken.objects.values()), default=str)
    assert token_authenticate(raw) == stored
    listed = _run("token", "list", "--json")
    assert raw not in listed and json.loads(listed)[0]["name"] == "erp"


def test_a_revoked_or_unknown_token_authenticates_no_one() -> None:
    create_account(name="Acme", admin_email="ana@acme.ro")
    token, raw = token_create(email="ana@acme.ro", name="ci")
    assert token_authenticate(raw + "x") is None
    _run("token", "revoke", str(token.pk))
    assert token_authenticate(raw) is None
    assert "revoked" in _run("token", "list")


def test_a_token_comes_with_its_member_account_and_user_or_not_at_all() -> None:
    account = create_account(name="Acme", admin_email="ana@acme.ro")
    _, raw = token_create(email="ana@acme.ro")
    with CaptureQueriesContext(connection) as queries:
        found = token_authenticate(raw)
        assert found is not None and found.membership.account == account
        assert found.membership.user.username == "ana@acme.ro"
        assert found.membership.role == "admin" and found.membership.account.plan == "standard"
    assert len(queries) == 2  # the lookup, and the first use noted
    user = found.membership.user
    user.is_active = False
    user.save()
    assert token_authenticate(raw) is None


def test_last_use_is_kept_to_the_minute() -> None:
    create_account(name="Acme", admin_email="ana@acme.ro")
    token, raw = token_create(email="ana@acme.ro")
    now = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=datetime.UTC)
    token_authenticate(raw, now=now)
    token_authenticate(raw, now=now + datetime.timedelta(seconds=30))
    token.refresh_from_db()
    assert token.last_used_at == now  # not written again within the minute
    token_authenticate(raw, now=now + datetime.timedelta(minutes=2))
    token.refresh_from_db()
    assert token.last_used_at == now + datetime.timedelta(minutes=2)


def test_a_member_of_several_accounts_names_one() -> None:
    first = create_account(name="Acme", admin_email="ana@acme.ro")
    second = create_account(name="Beta", admin_email="bob@beta.ro")
    add_member(account=second, email="ana@acme.ro")
    refused = CliRunner().invoke(cli, ["token", "create", "ana@acme.ro"])
    assert refused.exit_code == 2 and "account" in refused.stderr
    _run("token", "create", "ana@acme.ro", "--account", "Beta")
    assert ApiToken.objects.get().membership.account == second != first
    unknown = CliRunner().invoke(cli, ["token", "create", "nobody@acme.ro"])
    assert unknown.exit_code == 1 and "not a member" in unknown.stderr
