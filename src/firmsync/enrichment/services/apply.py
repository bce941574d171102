"""Writing facts into a card, and taking them out again (opt-out, relink, deactivation).

:func:`apply` runs in one transaction with the card's row locked, writes only the fields it
changes (a user's concurrent edit of another field is kept), and is idempotent: the same
facts a second time change nothing. Every value it overwrites is kept (the first time, in
the field's provenance, and in the card's history) so :func:`remove_provider_data` can put
the user's values back.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from firmsync.crm.models import Address, Company
from firmsync.crm.services import ADDRESS_PARTS, address_key
from firmsync.enrichment import rows
from firmsync.enrichment.models import (
    Alert,
    CardHistory,
    FinancialYear,
    Provenance,
    Representative,
)
from firmsync.enrichment.services.policy import FACT_OF, LOCKED, TRACKED, card_values
from firmsync.sources.facts import CompanyFacts

__all__ = ["Applied", "Plan", "apply", "plan", "remove_provider_data"]

# Changes that raise an alert: a client's status, VAT, e-Factura, name or address.
_ALERTS = {
    "status": "status",
    "vat_payer": "vat",
    "efactura": "efactura",
    "legal_name": "name",
}
_DATES = ("founded_on",)
_FIGURES = ("turnover", "net_profit", "net_loss", "employees", "share_capital", "source")
# The rows a sync reads and writes, in plain SQL (see firmsync.enrichment.rows for why).
_CARD = rows.Table(Company, "id", "account", "name", "locked_fields", *FACT_OF)
_PROVENANCE = rows.Table(Provenance, "company", "fields")
_HISTORY = rows.Table(CardHistory, "company", "actor", "changes")
_ALERT = rows.Table(Alert, "account", "company", "kind", "message", "read")
_ADDRESS = rows.Table(Address, "id", "kind", "origin", "key", *ADDRESS_PARTS)
_ADDRESS_NEW = rows.Table(Address, "company", "kind", "origin", "key", *ADDRESS_PARTS)
_REPRESENTATIVE = rows.Table(Representative, "company", "name", "role")
_FINANCIAL_YEAR = rows.Table(FinancialYear, "id", "year", *_FIGURES)
_FINANCIAL_YEAR_NEW = rows.Table(FinancialYear, "company", "year", *_FIGURES)


def _json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime.date) else value


def _from_json(field: str, value: Any) -> Any:
    if field in _DATES and value:
        return datetime.date.fromisoformat(value)
    return value


def _blank(field: str) -> Any:
    return "" if isinstance(Company._meta.get_field(field).default, str) else None


@dataclass(frozen=True)
class Plan:
    """What facts ask of any card, worked out from them alone: :func:`apply` reads the card
    only for what depends on it, so the time a card's row is locked goes to the database."""

    values: dict[str, Any]  # card field → value (never empty)
    stamps: dict[str, tuple[str, str, Any]]  # card field → source, as-of, value as JSON
    office: dict[str, str] | None  # the registered office's parts
    office_key: str  # …and its key (crm.services.address_key)
    representatives: list[tuple[str, str]]  # name, role
    financial_years: dict[int, dict[str, Any]]  # year → figures and source


def plan(facts: CompanyFacts) -> Plan:
    """The :class:`Plan` of ``facts``."""
    values = card_values(facts)
    stamps = {}
    for field, value in values.items():
        stamp = facts.sources.get(FACT_OF[field])
        source, as_of = (stamp.source, stamp.as_of or "") if stamp else ("", "")
        stamps[field] = (source, as_of, _json(value))
    office = None
    if facts.address is not None:
        office = {p: getattr(facts.address, p) or "" for p in ADDRESS_PARTS}
    years = {}
    for figures in facts.financials:
        stamp = facts.sources.get(f"financials/{figures.year}") or facts.sources.get("financials")
        years[figures.year] = {
            "turnover": figures.turnover,
            "net_profit": figures.net_profit,
            "net_loss": figures.net_loss,
            "employees": figures.employees,
            "share_capital": figures.share_capital,
            "source": stamp.source if stamp else "",
        }
    return Plan(
        values=values,
        stamps=stamps,
        office=office,
        office_key=address_key(office) if office else "",
        representatives=[(r.name, r.role or "") for r in facts.representatives],
        financial_years=years,
    )


class Applied:
    """What an apply changed: fields, and whether the registered office moved."""

    def __init__(self) -> None:
        self.fields: list[str] = []
        self.address_changed = False
        self.alerts: list[tuple[int, int, str, str]] = []  # account, card, kind, message

    @property
    def changed(self) -> bool:
        return bool(self.fields or self.address_changed)


def apply(
    company: Company,
    facts: CompanyFacts | Plan,
    now: datetime.datetime | None = None,
    cursor: rows.Cursor | None = None,
) -> Applied:
    """Write ``facts`` (or their plan) into ``company`` (see the module's rules); what
    changed. ``cursor``: the caller's, in the transaction it holds (else one of its own)."""
    planned = facts if isinstance(facts, Plan) else plan(facts)
    if cursor is not None:  # (in the caller's transaction)
        return _apply(cursor, company, planned, now or timezone.now())
    with transaction.atomic(), rows.cursor() as cursor:
        return _apply(cursor, company, planned, now or timezone.now())


def _apply(cursor: rows.Cursor, company: Company, planned: Plan, now: datetime.datetime) -> Applied:
    applied = Applied()
    (card,) = _CARD.select(cursor, "id = %s", [company.pk], lock=True)
    first_sync = not card["locked_fields"]
    log: dict[str, list[Any]] = {}  # the card's history entry: field → [old, new]
    found = _PROVENANCE.select(cursor, "company_id = %s", [company.pk])
    # (no provenance row: the add-on has not written to the card, or has taken all it wrote
    # out again — so there are no representatives or financial years of its to read)
    provenance = found[0]["fields"] if found else None
    changes = _fields(cursor, card, planned, provenance, applied, log, first_sync)
    locked = sorted(set(card["locked_fields"]) | (planned.values.keys() & set(LOCKED)))
    if locked != sorted(card["locked_fields"]):
        changes["locked_fields"] = locked
    if changes:
        _CARD.update(cursor, {**changes, "updated_at": now}, "id = %s", [company.pk])
    applied.fields = list(changes)
    card.update(changes)
    applied.address_changed = _registered_office(cursor, card, planned, applied, log, first_sync)
    _representatives(cursor, company.pk, planned, fresh=provenance is None)
    _financial_years(cursor, company.pk, planned, fresh=provenance is None)
    _ALERT.insert(cursor, [(*alert, False) for alert in applied.alerts])
    if log:
        _HISTORY.insert(cursor, [(company.pk, "addon", log)])
    for field in applied.fields:
        setattr(company, field, card[field])
    return applied


def _fields(
    cursor: rows.Cursor,
    card: dict[str, Any],
    planned: Plan,
    provenance: dict[str, dict[str, Any]] | None,
    applied: Applied,
    log: dict[str, list[Any]],
    first_sync: bool,
) -> dict[str, Any]:
    """The card fields to change (the user's own tracked values kept), each value's
    ``provenance`` written (``None``: the card has no row yet), alerts and history noted;
    the changes."""
    held_by = provenance or {}
    kept = dict(held_by)
    changes: dict[str, Any] = {}
    for field, value in planned.values.items():
        old = card[field]
        held = held_by.get(field)
        if field in TRACKED and old not in ("", None) and (held is None or old != held["written"]):
            continue  # the user's own value
        source, as_of, written = planned.stamps[field]
        if old != value:
            log[field] = [_json(old), written]
            if field in _ALERTS and not first_sync and held is not None:
                message = f"{card['name']}: {field} changed from {old} to {value}"
                applied.alerts.append((card["account"], card["id"], _ALERTS[field], message))
            changes[field] = value
        replaced = held["replaced"] if held is not None else _json(old)
        kept[field] = {"source": source, "as_of": as_of, "written": written, "replaced": replaced}
    if provenance is None:
        _PROVENANCE.insert(cursor, [(card["id"], kept)])
    elif kept != provenance:
        _PROVENANCE.update(cursor, {"fields": kept}, "company_id = %s", [card["id"]])
    return changes


def _registered_office(
    cursor: rows.Cursor,
    card: dict[str, Any],
    planned: Plan,
    applied: Applied,
    log: dict[str, list[Any]],
    first: bool,
) -> bool:
    """One provider-owned registered office, updated in place; a user's equal address is
    folded into it (and comes back on removal)."""
    parts, key = planned.office, planned.office_key
    if parts is None or not key:
        return False
    addresses = _ADDRESS.select(cursor, "company_id = %s", [card["id"]])
    office = next(
        (
            a
            for a in addresses
            if a["origin"] == Address.Origin.PROVIDER
            and a["kind"] == Address.Kind.REGISTERED_OFFICE
        ),
        None,
    )
    if office is not None and office["key"] == key:
        return False
    twin = next(
        (a for a in addresses if a["key"] == key and a["origin"] == Address.Origin.USER), None
    )
    if twin is not None:  # (one at most: a card's addresses have distinct keys)
        log["address"] = [{p: twin[p] for p in ("kind", *ADDRESS_PARTS)}, None]
        _ADDRESS.delete(cursor, "id = %s", [twin["id"]])
    log["registered_office"] = [
        {p: office[p] for p in ADDRESS_PARTS} if office else None,
        parts,
    ]
    if office is None:
        _ADDRESS_NEW.insert(
            cursor,
            [
                (
                    card["id"],
                    Address.Kind.REGISTERED_OFFICE,
                    Address.Origin.PROVIDER,
                    key,
                    *parts.values(),
                )
            ],
        )
        return True
    _ADDRESS.update(cursor, {**parts, "key": key}, "id = %s", [office["id"]])
    if not first:
        message = f"{card['name']}: the registered office moved"
        applied.alerts.append((card["account"], card["id"], "address", message))
    return True


def _representatives(cursor: rows.Cursor, company_id: int, planned: Plan, *, fresh: bool) -> None:
    wanted = planned.representatives
    if not wanted:
        return
    found = [] if fresh else _REPRESENTATIVE.select(cursor, "company_id = %s", [company_id])
    have = [(r["name"], r["role"]) for r in found]
    if sorted(have) != sorted(wanted):
        if have:
            _REPRESENTATIVE.delete(cursor, "company_id = %s", [company_id])
        _REPRESENTATIVE.insert(cursor, [(company_id, name, role) for name, role in wanted])


def _financial_years(cursor: rows.Cursor, company_id: int, planned: Plan, *, fresh: bool) -> None:
    if not planned.financial_years:
        return
    found = [] if fresh else _FINANCIAL_YEAR.select(cursor, "company_id = %s", [company_id])
    have = {f["year"]: f for f in found}
    created: list[tuple] = []
    for year, values in planned.financial_years.items():
        row = have.get(year)
        if row is None:
            created.append((company_id, year, *values.values()))
        elif any(row[k] != v for k, v in values.items()):
            _FINANCIAL_YEAR.update(cursor, values, "id = %s", [row["id"]])
    _FINANCIAL_YEAR_NEW.insert(cursor, created)


def remove_provider_data(company: Company) -> int:
    """Take out everything the add-on wrote; put the user's earlier values back; unlock.

    Returns how many fields were restored. Usage entries stay: they are the bill.
    """
    with transaction.atomic():
        card = Company.objects.select_for_update().get(pk=company.pk)
        restored: dict[str, list[Any]] = {}  # the history entry: field → [old, new]
        provenance = Provenance.objects.filter(company=card).first()
        for field, held in provenance.fields.items() if provenance else ():
            if _json(getattr(card, field)) != held["written"]:
                continue  # changed since (a tracked field the user edited): theirs
            before = _from_json(field, held["replaced"])
            value = before if before is not None else _blank(field)
            if getattr(card, field) != value:
                restored[field] = [held["written"], _json(value)]
                setattr(card, field, value)
        Provenance.objects.filter(company=card).delete()
        Address.objects.filter(company=card, origin=Address.Origin.PROVIDER).delete()
        for entry in CardHistory.objects.filter(company=card, changes__has_key="address"):
            parts, restored_already = entry.changes["address"]
            if restored_already is not None:
                continue
            parts = dict(parts)
            kind = parts.pop("kind", Address.Kind.OTHER)
            key = address_key(parts)
            if key and not Address.objects.filter(company=card, key=key).exists():
                Address.objects.create(company=card, kind=kind, key=key, **parts)
                restored.setdefault("address", [None, []])[1].append(parts)
            entry.changes["address"] = [entry.changes["address"][0], {"restored": True}]
            entry.save(update_fields=["changes"])
        FinancialYear.objects.filter(company=card).delete()
        Representative.objects.filter(company=card).delete()
        if restored:
            CardHistory.objects.create(company=card, actor="restore", changes=restored)
        card.locked_fields = []
        fields = [f for f in restored if f != "address"]
        card.save(update_fields=[*fields, "locked_fields", "updated_at"])
    for field in (*fields, "locked_fields"):
        setattr(company, field, getattr(card, field))
    return len(fields)
