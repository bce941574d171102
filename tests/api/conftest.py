"""Two accounts on the Professional plan (and one on Standard), members with tokens, the
test register and its name index, and a client that speaks to the API over Django's test
client — real requests through the whole middleware stack, on the real database."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from huey.contrib.djhuey import HUEY

from firmsync.crm.models import Account
from firmsync.crm.services import add_member, create_account, token_create
from firmsync.matching.index import NameIndex
from firmsync.registry.store import RegisterStore

from ..enrichment.conftest import CARDIOFORCE, LEMNLIND, TRADECENTER, register  # noqa: F401

__all__ = ["CARDIOFORCE", "LEMNLIND", "TRADECENTER", "Api"]


class Api:
    """Requests to ``/api/v1`` with one member's token; JSON in and out."""

    def __init__(self, client: Client, token: str | None) -> None:
        self.client = client
        self.token = token

    def headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        return {**headers, **(extra or {})}

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        params: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Any:
        url = path if path.startswith("/api/") else f"/api/v1{path}"
        kwargs: dict[str, Any] = {"headers": self.headers(headers)}
        if method in ("get", "delete"):
            kwargs["data"] = params
        else:
            kwargs.update(
                data=json.dumps(body if body is not None else {}),
                content_type="application/json",
            )
        response = getattr(self.client, method)(url, **kwargs)
        response.body = response.json() if response.content and _is_json(response) else None
        return response

    def get(self, path: str, **params: Any) -> Any:
        return self.call("get", path, params={k: v for k, v in params.items() if v is not None})

    def post(self, path: str, body: Any = None, **headers: str) -> Any:
        return self.call("post", path, body, headers=headers)

    def patch(self, path: str, body: Any) -> Any:
        return self.call("patch", path, body)

    def put(self, path: str, body: Any) -> Any:
        return self.call("put", path, body)

    def delete(self, path: str) -> Any:
        return self.call("delete", path)


def _is_json(response: Any) -> bool:
    return response.get("Content-Type", "").startswith("application/json")


@dataclass
class Member:
    account: Account
    email: str
    api: Api


def member(account_name: str, email: str, *, role: str = "admin", plan: str = "professional"):
    """A member of ``account_name`` (made with the account if new) and their API client."""
    account = Account.objects.filter(name=account_name).first()
    if account is None:
        account = create_account(name=account_name, plan=plan, admin_email=email)
    else:
        add_member(account=account, email=email, role=role)
    _, raw = token_create(email=email, account=account, name="tests")
    return Member(account, email, Api(Client(), raw))


@pytest.fixture
def configured(
    register: RegisterStore,  # noqa: F811
    register_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[RegisterStore]:
    """The register and its name index where the services look, syncs from the register
    alone, and jobs run at once in this process."""
    monkeypatch.setenv("FIRMSYNC_REGISTER_URL", register_url)
    monkeypatch.setenv("FIRMSYNC_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("FIRMSYNC_SOURCES", "register")
    NameIndex.build(register, tmp_path / "var" / "names", workers=1)
    HUEY.immediate = True
    yield register
    HUEY.immediate = False


@pytest.fixture
def ana(db: None) -> Member:
    """The administrator of Acme (Professional)."""
    return member("Acme", "ana@acme.ro")


@pytest.fixture
def ion(ana: Member) -> Member:
    """A member (not an administrator) of Acme."""
    return member("Acme", "ion@acme.ro", role="member")


@pytest.fixture
def bob(db: None) -> Member:
    """The administrator of Beta, another account."""
    return member("Beta", "bob@beta.ro")
