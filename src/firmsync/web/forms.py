"""The company list's search and filters, as a form: labelled fields, choices in the
user's language, and only known values passed on to the selector."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from firmsync.web.labels import FIELDS, SORTS, STATES, STATUSES

__all__ = ["CONTACT_FIELDS", "CardForm", "CompanyFilter"]

# What a user types on a card; the synchronised fields are the add-on's (read-only on the card).
CONTACT_FIELDS = (
    "name",
    "cui_input",
    "country",
    "county",
    "locality",
    "phone",
    "email",
    "website",
    "notes",
)


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


def _text(field: str, *, required: bool = False, **attrs: str) -> forms.CharField:
    return forms.CharField(
        label=FIELDS[field],
        required=required,
        strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "off", **attrs}),
    )


class CardForm(forms.Form):
    """A card's contact fields, as a new card and the card page's edit form take them; the
    service checks the values (a CUI's check digit, lengths) and says which one is wrong."""

    name = _text("name", required=True)
    cui_input = _text("cui_input", inputmode="text", placeholder="RO 12345678")
    country = forms.CharField(
        label=FIELDS["country"],
        initial="RO",
        help_text=_("Two letters; RO for a Romanian company"),
        widget=forms.TextInput(attrs={"size": 2, "autocomplete": "country"}),
    )
    county = _text("county")
    locality = _text("locality")
    phone = _text("phone", type="tel", autocomplete="tel")
    email = forms.CharField(
        label=FIELDS["email"],
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    website = _text("website", type="url")
    notes = forms.CharField(
        label=FIELDS["notes"], required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean_country(self) -> str:
        return (self.cleaned_data.get("country") or "RO").upper()
