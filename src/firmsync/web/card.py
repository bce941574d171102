"""A card's read model (``enrichment.selectors.card_view``) turned into what the card page
shows: labelled, formatted values, each locked one with its source and date."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import formats
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from firmsync.web import labels
from firmsync.web.charts import bars

__all__ = ["card_context", "shown"]

# The card page's sections, in the order a salesperson reads a company.
CONTACT = ("cui_input", "country", "county", "locality", "phone", "email", "website", "notes")
OFFICIAL = (
    "legal_name",
    "reg_number",
    "euid",
    "legal_form",
    "status",
    "founded_on",
    "caen_code",
    "caen_title",
    "vat_payer",
    "vat_on_cash",
    "split_vat",
    "efactura",
    "financial_year",
    "employees",
    "turnover",
    "net_profit",
    "share_capital",
)
MONEY = ("turnover", "net_profit", "share_capital", "net_loss")
ADDRESS_ORDER = (
    "street",
    "number",
    "block",
    "staircase",
    "floor",
    "apartment",
    "locality",
    "sector",
    "county",
    "postal_code",
    "country",
    "details",
)


def shown(value: Any, field: str = "") -> str:
    """A value as the page prints it, in the user's language: yes/no, grouped digits,
    local dates, a dash for nothing."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if field == "status":
        return str(labels.STATUSES.get(value, value))
    if isinstance(value, int):
        return formats.number_format(value, force_grouping=field in MONEY or field == "employees")
    if field == "founded_on" and isinstance(value, str) and parse_date(value):
        return formats.date_format(parse_date(value))
    return str(value)


def _when(iso: str | None) -> datetime.datetime | None:
    return parse_datetime(iso) if iso else None


def _field(view: dict[str, Any], field: str) -> dict[str, Any]:
    stamp = view["provenance"].get(field) if field in view["locked_fields"] else None
    return {
        "name": field,
        "label": labels.FIELDS.get(field, field),
        "value": shown(view.get(field), field),
        "locked": field in view["locked_fields"],
        "source": labels.SOURCES.get(stamp["source"], stamp["source"]) if stamp else None,
        "as_of": parse_date(stamp["as_of"]) if stamp and stamp["as_of"] else None,
    }


def _sync(view: dict[str, Any]) -> dict[str, Any]:
    sync = view["sync"] or {}
    state = sync.get("state") or "none"
    explained = str(labels.STATE_EXPLAINED.get(state, ""))
    if state == "stopped":
        explained = explained % {"cui": view.get("cui_input") or ""}
    return {
        "state": state,
        "label": labels.STATES.get(state, state),
        "explained": explained,
        "error": sync.get("last_error"),
        "candidates": sync.get("candidates") or [],
        "owed_sources": [labels.SOURCES.get(s, s) for s in sync.get("owed_sources") or []],
        "last_synced_at": _when(sync.get("last_synced_at")),
        "next_due_at": _when(sync.get("next_due_at")),
    }


def _address(address: dict[str, Any]) -> dict[str, Any]:
    return {
        "kind": labels.ADDRESS_KINDS.get(address["kind"], address["kind"]),
        "origin": labels.ADDRESS_ORIGINS.get(address["origin"], address["origin"]),
        "text": ", ".join(str(address[p]) for p in ADDRESS_ORDER if address.get(p)),
    }


def _changes(changes: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "label": labels.FIELDS.get(field, field),
            "old": shown(_flat(pair[0]), field),
            "new": shown(_flat(pair[1]), field),
        }
        for field, pair in changes.items()
    ]


def _flat(value: Any) -> Any:
    """An address's parts (a dict) on one line; other values as they are."""
    if isinstance(value, dict):
        return ", ".join(str(v) for v in value.values() if v and v is not True) or None
    return value


def card_context(view: dict[str, Any], history: list[Any]) -> dict[str, Any]:
    return {
        "card": view,
        "sync": _sync(view),
        "contact": [_field(view, f) for f in CONTACT],
        "official": [_field(view, f) for f in OFFICIAL],
        "addresses": [_address(a) for a in view["addresses"]],
        "financial_years": [
            {"year": y["year"], **{k: shown(y.get(k), k) for k in (*MONEY, "employees")}}
            for y in view["financial_years"]
        ],
        "turnover_chart": bars(
            [(str(y["year"]), y.get("turnover") or 0) for y in reversed(view["financial_years"])],
            shown=lambda value: shown(int(value), "turnover"),
        )
        if len(view["financial_years"]) > 1
        else None,
        "representatives": view["representatives"],
        "history": [
            {
                "at": entry.at,
                "actor": labels.ACTORS.get(entry.actor, entry.actor),
                "changes": _changes(entry.changes),
            }
            for entry in history
        ],
    }
