"""The alert feed: what changed in the client companies (status, VAT, e-Factura, name,
registered office), usage thresholds and disabled webhooks — newest first, each said in the
user's language from its values — and marking alerts read."""

from __future__ import annotations

from contextlib import suppress
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from firmsync.crm.errors import NotFound
from firmsync.enrichment.selectors import alerts_page
from firmsync.enrichment.services.alerts import alert_mark_read, alerts_mark_read
from firmsync.web.access import member_view
from firmsync.web.card import shown

__all__ = ["alert_read", "alert_text", "alerts_list", "alerts_read"]

PER_PAGE = 50
_FIELDS = {"status": "status", "vat": "vat_payer", "efactura": "efactura", "name": "legal_name"}


def alert_text(kind: str, params: dict[str, Any], message: str) -> str:
    """An alert in the user's language (its English ``message`` when its values are not
    kept: alerts raised before they were)."""
    if not params:
        return message
    values = {**params}
    if kind in _FIELDS:
        field = _FIELDS[kind]
        values.update(old=shown(params.get("old"), field), new=shown(params.get("new"), field))
    said = {
        "status": _("%(card)s: status changed from %(old)s to %(new)s"),
        "vat": _("%(card)s: VAT payer changed from %(old)s to %(new)s"),
        "efactura": _("%(card)s: e-Factura changed from %(old)s to %(new)s"),
        "name": _("%(card)s: legal name changed from “%(old)s” to “%(new)s”"),
        "address": _("%(card)s: the registered office moved"),
        "usage": _("%(companies)s companies this month: %(share)s%% of the %(included)s included"),
        "webhook": _("A webhook was switched off after %(failed)s failed deliveries: %(url)s"),
    }.get(kind)
    try:
        return said % values if said else message
    except (KeyError, TypeError):  # values of another shape: the message as it was kept
        return message


@member_view
def alerts_list(request: HttpRequest, *, account: Any) -> HttpResponse:
    unread = request.GET.get("unread") == "1"
    before = request.GET.get("before")
    page = alerts_page(
        account,
        unread=True if unread else None,
        before=int(before) if before and before.isdigit() else None,
        limit=PER_PAGE,
    )
    items = [
        {
            "id": alert.pk,
            "kind": alert.kind,
            "text": alert_text(alert.kind, alert.params, alert.message),
            "company_id": alert.company_id,
            "at": alert.at,
            "read": alert.read,
        }
        for alert in page.items
    ]
    context = {"items": items, "unread": unread, "older": page.next_after}
    return render(request, "web/alerts/list.html", context)


@member_view
@require_POST
def alert_read(request: HttpRequest, alert_id: int, *, account: Any) -> HttpResponse:
    with suppress(NotFound):  # another account's alert, or gone: nothing to mark
        alert_mark_read(account, alert_id)
    return redirect("web:alerts")


@member_view
@require_POST
def alerts_read(request: HttpRequest, *, account: Any) -> HttpResponse:
    alerts_mark_read(account)
    return redirect("web:alerts")
