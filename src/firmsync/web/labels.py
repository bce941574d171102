"""What the UI calls the values it shows: sync states (with a plain explanation),
company statuses, card fields, address kinds and origins. Words only: the rules behind
them live in ``enrichment``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

__all__ = [
    "ACTORS",
    "ADDRESS_KINDS",
    "ADDRESS_ORIGINS",
    "FIELDS",
    "SORTS",
    "SOURCES",
    "STATES",
    "STATE_EXPLAINED",
    "STATUSES",
]

# A context for the short words a language agrees with their noun (a company is
# "activă" in Romanian), and apart from the same words in Django's own catalogues.
# Sync states (``enrichment.models.SyncState.State``; ``none``: never synced).
STATES = {
    "none": pgettext_lazy("sync state", "not synced"),
    "pending": pgettext_lazy("sync state", "syncing"),
    "synced": pgettext_lazy("sync state", "synced"),
    "review": pgettext_lazy("sync state", "waiting for you to choose the company"),
    "no_match": pgettext_lazy("sync state", "no matching company"),
    "not_found": pgettext_lazy("sync state", "CUI not found"),
    "stopped": pgettext_lazy("sync state", "stopped"),
    "foreign": pgettext_lazy("sync state", "foreign company"),
    "quota_paused": pgettext_lazy("sync state", "paused: monthly cap reached"),
    "error": pgettext_lazy("sync state", "error"),
}
STATE_EXPLAINED = {
    "none": _("This card has not been synced: the add-on is off, or its sync has not run yet."),
    "pending": _("The card is being filled from official data; it updates within seconds."),
    "synced": _("The card holds the official data; the fields with a lock are kept by it."),
    "review": _(
        "Several registered companies could be this one: choose the right one, or type its CUI."
    ),
    "no_match": _("No registered company has this name: type its CUI to sync the card."),
    "not_found": _("No source knows this CUI: check it against the company's documents."),
    "stopped": _(
        "“%(cui)s” is not a valid CUI, so this card is not synced. Type a real CUI to resume."
    ),
    "foreign": _("Only companies registered in Romania are synced: this card is left alone."),
    "quota_paused": _("The account reached its monthly cap: syncing resumes next month."),
    "error": _("The last sync failed; it is retried by itself."),
}
STATUSES = {
    "active": pgettext_lazy("company status", "active"),
    "inactive": pgettext_lazy("company status", "inactive"),
    "suspended": pgettext_lazy("company status", "suspended"),
    "dissolution": pgettext_lazy("company status", "dissolution"),
    "liquidation": pgettext_lazy("company status", "liquidation"),
    "insolvency": pgettext_lazy("company status", "insolvency"),
    "bankruptcy": pgettext_lazy("company status", "bankruptcy"),
    "struck_off": pgettext_lazy("company status", "struck off"),
    "unknown": pgettext_lazy("company status", "unknown"),
}
# Orders of the company list (``enrichment.selectors.CARD_SORTS``).
SORTS = {
    "name": _("name, A to Z"),
    "-name": _("name, Z to A"),
    "-updated": _("recently changed"),
    "-id": _("newest"),
    "id": _("oldest"),
}
FIELDS = {
    "name": _("Name"),
    "cui_input": _("CUI"),
    "country": _("Country"),
    "county": _("County"),
    "locality": _("Locality"),
    "phone": _("Phone"),
    "email": _("E-mail"),
    "website": _("Website"),
    "notes": _("Notes"),
    "legal_name": _("Legal name"),
    "reg_number": _("Register number"),
    "euid": _("EUID"),
    "legal_form": _("Legal form"),
    "status": _("Status"),
    "vat_payer": _("VAT payer"),
    "vat_on_cash": _("VAT on cash"),
    "split_vat": _("Split VAT"),
    "efactura": _("e-Factura"),
    "founded_on": _("Founded on"),
    "caen_code": _("Main activity (CAEN)"),
    "caen_revision": _("CAEN revision"),
    "caen_title": _("Activity"),
    "employees": _("Employees"),
    "turnover": _("Turnover (RON)"),
    "net_profit": _("Net profit (RON)"),
    "share_capital": _("Share capital (RON)"),
    "financial_year": _("Financial year"),
    "registered_office": _("Registered office"),
    "address": _("Address"),
}
ADDRESS_KINDS = {
    "registered_office": _("registered office"),
    "fiscal_domicile": _("fiscal domicile"),
    "other": _("other"),
}
ADDRESS_ORIGINS = {"provider": _("official data"), "user": _("entered by you")}
SOURCES = {
    "register": _("trade register"),
    "anaf": _("ANAF"),
    "anaf_bilant": _("ANAF financial statements"),
    "mf": _("Ministry of Finance"),
    "openapi_ro": _("openapi.ro"),
}
ACTORS = {"addon": _("sync"), "user": _("user"), "restore": _("restored")}
