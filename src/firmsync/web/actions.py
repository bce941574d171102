"""What a user does on a card page: edit its contact fields, "sync now", pick the right
company among the candidates or say it is none of them — and the sync state that the page
asks for again while the card is being filled."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from firmsync.crm.errors import Forbidden, Invalid, NotFound
from firmsync.crm.selectors import card_of
from firmsync.enrichment.selectors import card_view
from firmsync.enrichment.services.cards import (
    AddonInactive,
    link_card,
    reject_candidates,
    request_card_sync,
    update_card,
)
from firmsync.web.access import member_view
from firmsync.web.card import card_context
from firmsync.web.companies import card_page
from firmsync.web.forms import CONTACT_FIELDS, CardForm

__all__ = ["company_edit", "company_link", "company_reject", "company_sync", "sync_state"]

# The states a card leaves by itself, within seconds: its page asks again meanwhile.
MOVING = ("pending",)


def _card(card_id: int, account: Any) -> Any:
    try:
        return card_of(card_id, account=account)
    except NotFound:
        raise Http404 from None  # another account's card is exactly a missing one


def _back(card: Any) -> HttpResponse:
    return redirect("web:company", card_id=card.pk)


@member_view
@require_POST
def company_edit(request: HttpRequest, card_id: int, *, account: Any) -> HttpResponse:
    card = _card(card_id, account)
    form = CardForm(request.POST)
    if form.is_valid():
        try:
            changed = update_card(card, {f: form.cleaned_data[f] for f in CONTACT_FIELDS})
        except Invalid as error:
            form.refuse(error)
        except Forbidden:  # a locked field
            form.add_error(None, _("A field kept by the official data cannot be edited."))
        else:
            if changed:
                messages.success(request, _("Saved."))
            return _back(card)
    return card_page(request, card, form, status=422)


@member_view
@require_POST
def company_sync(request: HttpRequest, card_id: int, *, account: Any) -> HttpResponse:
    card = _card(card_id, account)
    try:
        request_card_sync(card)
    except AddonInactive:
        messages.error(request, _("The add-on is off for your account: nothing is synced."))
    else:
        messages.success(request, _("The card is being synced again."))
    return _back(card)


@member_view
@require_POST
def company_link(request: HttpRequest, card_id: int, *, account: Any) -> HttpResponse:
    card = _card(card_id, account)
    try:
        link_card(card, request.POST.get("cui", ""))
    except Invalid:
        messages.error(request, _("That company is not one of the card's candidates."))
    return _back(card)


@member_view
@require_POST
def company_reject(request: HttpRequest, card_id: int, *, account: Any) -> HttpResponse:
    card = _card(card_id, account)
    try:
        reject_candidates(card)
    except Invalid:
        messages.error(request, _("The card is not waiting for a choice of company."))
    return _back(card)


@member_view
@require_GET
def sync_state(request: HttpRequest, card_id: int, *, account: Any) -> HttpResponse:
    """The card's sync section, asked for every two seconds while the card is being filled;
    once it is done, htmx reloads the page (``HX-Refresh``), which then shows every field."""
    card = _card(card_id, account)
    context = card_context(card_view(card), [])
    response = render(request, "web/companies/_sync.html", context)
    if context["sync"]["state"] not in MOVING:
        response["HX-Refresh"] = "true"
    return response
