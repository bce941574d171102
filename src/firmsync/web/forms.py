"""The web's forms: the company list's search and filters (labelled fields, choices in the
user's language, only known values passed on to the selector) and a card's contact fields
(the card's own limits, and the services' refusals said at their box)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from firmsync.crm.errors import Invalid
from firmsync.crm.services import CONTACT, field_max_length
from firmsync.web.labels import FIELDS, SORTS, STATES, STATUSES

__all__ = ["CONTACT_FIELDS", "CardForm", "CompanyFilter"]

# What a user types on a card; the synchronised fields are the add-on's (read-only on the card).
CONTACT_FIELDS = CONTACT


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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():  # the card's limits, said by the browser too
            longest = field_max_length(name)
            if longest is not None and isinstance(field, forms.CharField):
                field.max_length = longest
                field.validators.append(MaxLengthValidator(longest))
                field.widget.attrs["maxlength"] = str(longest)

    def clean_country(self) -> str:
        return (self.cleaned_data.get("country") or "RO").upper()

    def refuse(self, error: Invalid) -> None:
        """A service's refusal of a value, shown at its box in the user's language."""
        said = {
            "cui_input": _(
                "This is not a valid CUI: its check digit is wrong. Check it, or type x to "
                "leave the card unsynced."
            ),
            "name": _("Type the company's name."),
        }.get(error.field, _("This value cannot be saved as it is."))
        self.add_error(error.field if error.field in self.fields else None, said)
