"""API tokens: a member makes one (shown once, on the page that made it), sees when each
was last used, and revokes it; an administrator sees and revokes the whole account's."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from firmsync.crm.errors import Invalid, NotFound
from firmsync.crm.selectors import membership_of, tokens_of
from firmsync.crm.services import token_create, token_revoke
from firmsync.web.access import member_view

__all__ = ["token_new", "token_remove", "tokens_page"]


def _own(request: HttpRequest) -> str | None:
    """Whose tokens the member manages: their own, or (``None``) the account's."""
    return None if membership_of(request.user).role == "admin" else request.user.get_username()


def _page(request: HttpRequest, account: Any, **extra: Any) -> HttpResponse:
    tokens = tokens_of(account=account, email=_own(request))
    return render(request, "web/account/tokens.html", {"tokens": tokens, **extra})


@member_view
def tokens_page(request: HttpRequest, *, account: Any) -> HttpResponse:
    return _page(request, account)


@member_view
@require_POST
def token_new(request: HttpRequest, *, account: Any) -> HttpResponse:
    name = request.POST.get("name", "").strip()[:100]
    try:
        made, raw = token_create(email=request.user.get_username(), account=account, name=name)
    except Invalid as error:
        return _page(request, account, error=error.message)
    return _page(request, account, made=made, raw=raw)  # shown this once, never again


@member_view
@require_POST
def token_remove(request: HttpRequest, token_id: int, *, account: Any) -> HttpResponse:
    try:
        token_revoke(token_id=token_id, account=account, email=_own(request))
    except NotFound:
        messages.error(request, _("There is no such token of yours."))
    else:
        messages.success(request, _("The token is revoked: it no longer works."))
    return redirect("web:tokens")
