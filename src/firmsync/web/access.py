"""Who a page acts for: the signed-in member's account, which scopes every query."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from firmsync.crm.errors import NotFound
from firmsync.crm.selectors import membership_of

__all__ = ["member_view"]

View = Callable[..., HttpResponse]


def member_view(view: View) -> View:
    """Signed in (else to the login page), and a member of an account (else 403): the view
    gets that account as ``account``."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            account = membership_of(request.user).account
        except NotFound:
            raise PermissionDenied from None
        return view(request, *args, account=account, **kwargs)

    return wrapped
