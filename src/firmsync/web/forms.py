"""The company list's search and filters, as a form: labelled fields, choices in the
user's language, and only known values passed on to the selector."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from firmsync.web.labels import SORTS, STATES, STATUSES

__all__ = ["CompanyFilter"]


def _any(choices: dict[str, Any]) -> list[tuple[str, Any]]:
    return [("", _("any")), *choices.items()]


class CompanyFilter(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        help_text=_("Name, legal name, CUI or register number"),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    state = forms.ChoiceField(label=_("Sync state"), required=False, choices=_any(STATES))
    status = forms.ChoiceField(label=_("Status"), required=False, choices=_any(STATUSES))
    county = forms.CharField(label=_("County"), required=False, max_length=60)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=list(SORTS.items()))

    def filters(self) -> dict[str, str]:
        """The valid filters (an invalid one is left out, as if not chosen)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: data.get(name) or "" for name in ("q", "state", "status", "county", "sort")}
