"""A new card: its form, and the typeahead over the register that fills its name and CUI."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from firmsync.crm.errors import Invalid, NotFound
from firmsync.enrichment.services.cards import create_card
from firmsync.enrichment.services.register import looks_like_cui, register_typeahead
from firmsync.web import labels
from firmsync.web.access import member_view
from firmsync.web.forms import CardForm

__all__ = ["company_new", "typeahead"]


@member_view
def company_new(request: HttpRequest, *, account: Any) -> HttpResponse:
    if request.method == "POST":
        form = CardForm(request.POST)
        if form.is_valid():
            try:
                card = create_card(account, **form.cleaned_data)
            except Invalid as error:
                form.refuse(error)
            else:
                return redirect("web:company", card_id=card.pk)
    else:
        # A suggestion picked in the typeahead comes back as ?name=…&cui_input=…
        form = CardForm(
            initial={k: request.GET[k] for k in ("name", "cui_input") if k in request.GET}
        )
    return render(request, "web/companies/new.html", {"form": form})


@member_view
def typeahead(request: HttpRequest, *, account: Any) -> HttpResponse:
    """The suggestions for what is typed in the new card's name box (a fragment)."""
    typed = (request.GET.get("name") or "").strip()[:200]
    found: dict[str, Any] = {"decision": "none", "items": []}
    missing = False
    if len(typed) >= 2:
        try:
            found = register_typeahead(typed)
        except NotFound:  # no name index yet: the user types the CUI instead
            missing = True
        except Invalid:
            pass
    items = [
        {**item, "status_label": labels.STATUSES.get(item["status"] or "", item["status"])}
        for item in found["items"]
    ]
    context = {
        "typed": typed,
        "items": items,
        "decision": found["decision"],
        "missing": missing,
        "typing_cui": looks_like_cui(typed),  # digits still being typed: nothing to say yet
    }
    return render(request, "web/companies/_suggestions.html", context)
