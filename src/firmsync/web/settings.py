"""Settings → System → Company completion: the add-on's switch, with the original's warnings
and the preview of what switching it off removes, its backfill's progress and its settings.
Everyone sees the page; only an administrator on the Professional plan gets the controls
(the services refuse the rest anyway)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from firmsync.crm.errors import Forbidden, Invalid
from firmsync.crm.selectors import membership_of
from firmsync.enrichment.selectors import addon_view
from firmsync.enrichment.services.addon import ConfirmationNeeded, addon_change
from firmsync.web.access import member_view

__all__ = ["addon_page", "addon_progress", "addon_settings", "addon_switch"]

ONLY_ADMINS = gettext_lazy("Only an administrator on the Professional plan can do this.")


class AddonSettingsForm(forms.Form):
    refresh_days = forms.IntegerField(
        label=gettext_lazy("Refresh every (days)"), min_value=1, max_value=30
    )
    monthly_cap = forms.IntegerField(
        label=gettext_lazy("Monthly cap (companies)"),
        min_value=0,
        required=False,
        help_text=gettext_lazy("Empty: no cap. Beyond it, nothing is synced until next month."),
    )
    overage = forms.BooleanField(
        label=gettext_lazy("Sync companies beyond the 2,000 included each month (billed)"),
        required=False,
    )


def _context(request: HttpRequest, account: Any, **extra: Any) -> dict[str, Any]:
    addon = addon_view(account)
    admin = membership_of(request.user).role == "admin"
    done, total = addon["backfill_done"], addon["backfill_total"]
    return {
        "addon": addon,
        "can_switch": admin and addon["plan"] == "professional",
        "admin": admin,
        "backfilling": addon["active"] and total > 0 and done < total,
        "form": AddonSettingsForm(initial=addon),
        **extra,
    }


@member_view
def addon_page(request: HttpRequest, *, account: Any) -> HttpResponse:
    return render(request, "web/settings/addon.html", _context(request, account))


@member_view
def addon_progress(request: HttpRequest, *, account: Any) -> HttpResponse:
    """The backfill's progress, asked again every 2 s while it runs (a fragment)."""
    return render(request, "web/settings/_backfill.html", _context(request, account))


@member_view
@require_POST
def addon_switch(request: HttpRequest, *, account: Any) -> HttpResponse:
    """On, once the warnings are acknowledged; off, once the removal preview is confirmed
    (without ``confirm``: the preview page)."""
    turning_on = request.POST.get("active") == "on"
    try:
        if turning_on:
            if request.POST.get("understood") != "yes":
                messages.error(request, _("Tick the box to confirm you have read the warnings."))
                return redirect("web:addon")
            addon_change(account, request.user, active=True)
            messages.success(request, _("Company completion is on: your cards are being filled."))
        else:
            addon_change(
                account, request.user, active=False, confirm=request.POST.get("confirm") == "yes"
            )
            messages.success(request, _("Company completion is off: its data was removed."))
    except ConfirmationNeeded as preview:
        context = _context(request, account, removal=preview.removal)
        return render(request, "web/settings/deactivate.html", context)
    except Forbidden:
        messages.error(request, ONLY_ADMINS)
    return redirect("web:addon")


@member_view
@require_POST
def addon_settings(request: HttpRequest, *, account: Any) -> HttpResponse:
    form = AddonSettingsForm(request.POST)
    if form.is_valid():
        try:
            addon_change(
                account,
                request.user,
                refresh_days=form.cleaned_data["refresh_days"],
                monthly_cap=form.cleaned_data["monthly_cap"],
                overage=form.cleaned_data["overage"],
            )
        except Invalid as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        except Forbidden:
            messages.error(request, ONLY_ADMINS)
            return redirect("web:addon")
        else:
            messages.success(request, _("Saved."))
            return redirect("web:addon")
    context = {**_context(request, account), "form": form}
    return render(request, "web/settings/addon.html", context, status=422)
