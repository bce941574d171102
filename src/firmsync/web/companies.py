"""The company list (search, filters, sorting, pages; its table alone for HTMX) and the
company card."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers

from firmsync.crm.errors import NotFound
from firmsync.crm.selectors import card_of
from firmsync.enrichment.selectors import (
    card_alerts,
    card_history,
    card_summary,
    card_view,
    cards_query,
)
from firmsync.web import labels
from firmsync.web.access import member_view
from firmsync.web.alerts import alert_text
from firmsync.web.card import card_context
from firmsync.web.forms import CONTACT_FIELDS, CardForm, CompanyFilter

__all__ = ["card_page", "company_card", "company_list", "review_queue"]

PER_PAGE = 25


@member_view
def company_list(request: HttpRequest, *, account: Any) -> HttpResponse:
    form = CompanyFilter(request.GET)
    chosen = form.filters()
    cards = cards_query(
        account,
        state=chosen["state"] or None,
        status=chosen["status"] or None,
        county=chosen["county"] or None,
        text=chosen["q"] or None,
        sort=chosen["sort"] or "name",
    )
    page = Paginator(cards, PER_PAGE).get_page(request.GET.get("page"))
    rows = [_row(card_summary(card)) for card in page.object_list]
    context = {"form": form, "page": page, "rows": rows}
    # HTMX asks for the table alone when a filter changes; a full load gets the page, and so
    # does htmx restoring a pushed address it no longer has in its history cache.
    fragment = request.htmx and not request.htmx.history_restore_request
    template = "web/companies/_table.html" if fragment else "web/companies/list.html"
    response = render(request, template, {**context, "fragment": fragment})
    patch_vary_headers(response, ("HX-Request",))
    return response


def _row(summary: dict[str, Any]) -> dict[str, Any]:
    state = summary["sync_state"] or "none"
    return {
        **summary,
        "state": state,
        "state_label": labels.STATES.get(state, state),
        "status_label": labels.STATUSES.get(summary["status"], summary["status"]),
    }


@member_view
def company_card(request: HttpRequest, card_id: int, *, account: Any) -> HttpResponse:
    try:
        card = card_of(card_id, account=account)
    except NotFound:
        raise Http404 from None  # another account's card is exactly a missing one
    return card_page(request, card)


def card_page(
    request: HttpRequest, card: Any, form: CardForm | None = None, *, status: int = 200
) -> HttpResponse:
    """The card page; ``form``: the edit form as the user sent it back, with its errors."""
    view = card_view(card)
    if form is None:
        form = CardForm(initial={field: view[field] for field in CONTACT_FIELDS})
    alerts = [
        {"text": alert_text(a.kind, a.params, a.message), "at": a.at, "read": a.read}
        for a in card_alerts(card)
    ]
    context = {**card_context(view, card_history(card).items), "form": form, "alerts": alerts}
    return render(request, "web/companies/card.html", context, status=status)


@member_view
def review_queue(request: HttpRequest, *, account: Any) -> HttpResponse:
    """The cards waiting for the user to choose their company, each with its candidates."""
    cards = cards_query(account, state="review", sort="-updated")
    page = Paginator(cards, PER_PAGE).get_page(request.GET.get("page"))
    views = [card_context(card_view(card), []) for card in page.object_list]
    return render(request, "web/companies/review.html", {"page": page, "cards": views})
