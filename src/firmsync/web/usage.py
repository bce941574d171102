"""Usage and bills: a month's statement (companies used against those included, what is
billed beyond them), the months to choose from, and the last twelve months as a chart."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from firmsync.crm.errors import Invalid
from firmsync.enrichment.selectors import statements_of, usage_statement
from firmsync.web.access import member_view
from firmsync.web.charts import bars

__all__ = ["usage_page"]


def _last_months(month: str, count: int = 12) -> list[str]:
    """The ``count`` months ending with ``month``, oldest first.

    >>> _last_months("2026-02", 3)
    ['2025-12', '2026-01', '2026-02']
    """
    year, number = (int(part) for part in month.split("-"))
    found = []
    for _step in range(count):
        found.append(f"{year:04d}-{number:02d}")
        year, number = (year - 1, 12) if number == 1 else (year, number - 1)
    return found[::-1]


@member_view
def usage_page(request: HttpRequest, *, account: Any) -> HttpResponse:
    error = None
    try:
        shown = usage_statement(account, request.GET.get("month") or None)
    except Invalid:
        error = _("There is no such month: here is this one.")
        shown = usage_statement(account)
    statements = statements_of(account)
    this_month = usage_statement(account, now=timezone.now()).month
    months = sorted({this_month, *(s.month for s in statements)}, reverse=True)
    used = {s.month: s.companies for s in statements}
    chart = bars([(m, used.get(m, 0)) for m in _last_months(this_month)], line=shown.included)
    context = {
        "statement": shown,
        "months": months,
        "error": error,
        "chart": chart,
        "share": min(100, round(shown.companies * 100 / shown.included)) if shown.included else 0,
    }
    return render(request, "web/usage/usage.html", context)
