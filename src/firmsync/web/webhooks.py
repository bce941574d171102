"""Webhooks (administrators): the account's subscriptions, a new one (its signing secret
shown once), its delivery log, a test event, and removing one."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from firmsync.crm.errors import Forbidden, Invalid, NotFound
from firmsync.enrichment.selectors import webhook_deliveries, webhooks_of
from firmsync.enrichment.services.webhooks import (
    EVENTS,
    webhook_create,
    webhook_delete,
    webhook_test,
)
from firmsync.web.access import member_view

__all__ = ["webhook_log", "webhook_new", "webhook_remove", "webhook_send_test", "webhooks_page"]


def _page(request: HttpRequest, account: Any, status: int = 200, **extra: Any) -> HttpResponse:
    try:
        subscriptions = webhooks_of(account, request.user)
    except Forbidden:
        return render(request, "web/account/webhooks.html", {"forbidden": True}, status=403)
    context = {"subscriptions": subscriptions, "events": EVENTS, **extra}
    return render(request, "web/account/webhooks.html", context, status=status)


@member_view
def webhooks_page(request: HttpRequest, *, account: Any) -> HttpResponse:
    return _page(request, account)


@member_view
@require_POST
def webhook_new(request: HttpRequest, *, account: Any) -> HttpResponse:
    events = request.POST.getlist("events")
    try:
        made = webhook_create(account, request.user, url=request.POST.get("url", ""), events=events)
    except Forbidden:
        return _page(request, account)
    except Invalid as error:
        return _page(request, account, status=422, error=error)
    return _page(request, account, made=made)  # its secret, shown this once


@member_view
@require_POST
def webhook_remove(request: HttpRequest, webhook_id: int, *, account: Any) -> HttpResponse:
    try:
        webhook_delete(account, request.user, webhook_id)
    except (NotFound, Forbidden):
        raise Http404 from None
    messages.success(request, _("The webhook is removed."))
    return redirect("web:webhooks")


@member_view
@require_POST
def webhook_send_test(request: HttpRequest, webhook_id: int, *, account: Any) -> HttpResponse:
    try:
        webhook_test(account, request.user, webhook_id)
    except (NotFound, Forbidden):
        raise Http404 from None
    messages.success(request, _("A test event is on its way: its delivery shows below."))
    return redirect("web:webhook_log", webhook_id=webhook_id)


@member_view
def webhook_log(request: HttpRequest, webhook_id: int, *, account: Any) -> HttpResponse:
    before = request.GET.get("before")
    try:
        page = webhook_deliveries(
            account,
            request.user,
            webhook_id,
            before=int(before) if before and before.isdigit() else None,
        )
    except (NotFound, Forbidden):
        raise Http404 from None
    context = {"webhook_id": webhook_id, "deliveries": page.items, "older": page.next_after}
    return render(request, "web/account/deliveries.html", context)
