"""``Authorization: Bearer <token>``: a member's API token (``firmsync token create``)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest
from ninja.security import HttpBearer

from firmsync.crm.models import Account, ApiToken
from firmsync.crm.services import token_authenticate

__all__ = ["TokenAuth", "account_of", "token_of", "user_of"]


class TokenAuth(HttpBearer):
    """``request.auth`` is the token, its member, account and user loaded."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        return token_authenticate(token) if token else None


def token_of(request: HttpRequest) -> ApiToken:
    token = request.auth  # type: ignore[attr-defined]
    assert isinstance(token, ApiToken)
    return token


def account_of(request: HttpRequest) -> Account:
    """The account every query of the request is scoped by: the token's member's."""
    return token_of(request).membership.account


def user_of(request: HttpRequest) -> AbstractBaseUser:
    return token_of(request).membership.user
