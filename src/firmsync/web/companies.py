"""The company list: search, filters, sorting, pages; its table alone for HTMX."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers

from firmsync.enrichment.selectors import card_summary, cards_query
from firmsync.web import labels
from firmsync.web.access import member_view
from firmsync.web.forms import CompanyFilter

__all__ = ["company_list"]

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
    # HTMX asks for the table alone when a filter changes; a full load gets the page.
    template = "web/companies/_table.html" if request.htmx else "web/companies/list.html"
    response = render(request, template, context)
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
