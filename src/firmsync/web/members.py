"""The account's members (administrators add them: they then choose a password through
"forgot your password?")."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from firmsync.crm.errors import Conflict, Forbidden, Invalid
from firmsync.crm.selectors import members_of, membership_of
from firmsync.crm.services import member_invite
from firmsync.web.access import member_view

__all__ = ["member_add", "members_page"]


@member_view
def members_page(request: HttpRequest, *, account: Any) -> HttpResponse:
    context = {
        "members": members_of(account),
        "admin": membership_of(request.user).role == "admin",
    }
    return render(request, "web/account/members.html", context)


@member_view
@require_POST
def member_add(request: HttpRequest, *, account: Any) -> HttpResponse:
    email = request.POST.get("email", "")
    role = "admin" if request.POST.get("role") == "admin" else "member"
    try:
        member_invite(account, request.user, email=email, role=role)
    except Forbidden:
        messages.error(request, _("Only an administrator adds members."))
    except Invalid:
        messages.error(request, _("That is not an e-mail address."))
    except Conflict:
        messages.error(request, _("They are a member already."))
    else:
        messages.success(
            request,
            _("%(email)s is a member now: they choose a password with “Forgot your password?”.")
            % {"email": email.strip().lower()},
        )
    return redirect("web:members")
