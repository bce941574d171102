"""Writing facts into cards, and taking them out again (opt-out, relink, deactivation).

:func:`apply` writes a batch of cards in its caller's transaction, with their rows locked,
through the ORM's set statements: one query a table to read what the cards hold, one
statement (or a few) a table to write. It writes only the fields it changes (a user's
concurrent edit of another field is kept), and is idempotent: the same facts a second time
change nothing. Every value it overwrites is kept (the first time, in
the field's provenance, and in the card's history) so :func:`remove_provider_data` can put
the user's values back.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, models, transaction
from django.db.models import Value

from firmsync.crm.models import Address, Company
from firmsync.crm.services import ADDRESS_PARTS, address_key
from firmsync.enrichment.models import (
    Alert,
    CardHistory,
    FinancialYear,
    Provenance,
    Representative,
)
from firmsync.enrichment.services.policy import FACT_OF, LOCKED, TRACKED, card_values
from firmsync.enrichment.services.webhooks import emit_alerts
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
    """What an apply changed on one card: fields, and whether the registered office moved."""

    def __init__(self) -> None:
        self.fields: list[str] = []
        self.address_changed = False

    @property
    def changed(self) -> bool:
        return bool(self.fields or self.address_changed)


@dataclass
class _Writes:
    """A batch's writes, gathered card by card and written a table at a time."""

    cards: dict[tuple[str, ...], list[Company]] = dataclasses.field(
        default_factory=dict
    )  # by fields
    provenance: list[Provenance] = dataclasses.field(default_factory=list)
    addresses_gone: list[int] = dataclasses.field(default_factory=list)
    addresses_moved: list[Address] = dataclasses.field(default_factory=list)
    addresses_new: list[Address] = dataclasses.field(default_factory=list)
    representatives_gone: list[int] = dataclasses.field(default_factory=list)  # card ids
    representatives: list[Representative] = dataclasses.field(default_factory=list)
    years: list[FinancialYear] = dataclasses.field(default_factory=list)
    alerts: list[Alert] = dataclasses.field(default_factory=list)
    history: list[CardHistory] = dataclasses.field(default_factory=list)

    def flush(self, now: datetime.datetime) -> None:
        # The folded user addresses go before an office takes their key (a card's addresses
        # have distinct keys), and the old administrators before the new ones.
        if self.addresses_gone:
            Address.objects.filter(pk__in=self.addresses_gone).delete()
        if self.addresses_moved:
            Address.objects.bulk_update(self.addresses_moved, [*ADDRESS_PARTS, "key"])
        Address.objects.bulk_create(self.addresses_new)
        for fields, cards in self.cards.items():
            Company.objects.bulk_create(
                cards,
                update_conflicts=True,
                unique_fields=["id"],
                update_fields=[*fields, "updated_at"],
            )
        _json_as_values(self.provenance, "fields")
        _json_as_values(self.history, "changes")
        Provenance.objects.bulk_create(
            self.provenance,
            update_conflicts=True,
            unique_fields=["company"],
            update_fields=["fields"],
        )
        if self.representatives_gone:
            Representative.objects.filter(company_id__in=self.representatives_gone).delete()
        Representative.objects.bulk_create(self.representatives)
        FinancialYear.objects.bulk_create(
            self.years,
            update_conflicts=True,
            unique_fields=["company", "year"],
            update_fields=list(_FIGURES),
        )
        Alert.objects.bulk_create(self.alerts)
        emit_alerts(self.alerts)  # (each alert is an event for the account's webhooks)
        CardHistory.objects.bulk_create(self.history)


def _json_as_values(rows: Sequence[models.Model], name: str) -> None:
    """On PostgreSQL, the rows' JSON (``name``) as expressions: Django 5.2 inserts a batch of
    plain values as arrays (UNNEST), whose JSON psycopg escapes quote by quote in Python —
    1.2 of 8.1 s for 4,000 cards' provenance; with an expression the rows go as VALUES."""
    if connection.vendor != "postgresql":
        return
    for row in rows:
        setattr(row, name, Value(getattr(row, name), output_field=models.JSONField()))


def apply(
    cards: Sequence[Company], plans: Mapping[int, Plan], now: datetime.datetime
) -> dict[int, Applied]:
    """Write each card's plan (``plans``: card id → plan) into it, by the module's rules;
    what changed, by card id. Runs in the caller's transaction, on cards it has locked and
    loaded under the lock: the batch's rows are read in one query a table and written in
    one statement (or a few) a table."""
    ids = [card.pk for card in cards]
    held = dict(Provenance.objects.filter(company_id__in=ids).values_list("company_id", "fields"))
    # (no provenance row: the add-on has not written to the card, or has taken all it wrote
    # out again — so there are no representatives or financial years of its to read)
    ours = [pk for pk in ids if pk in held]
    with_office = [card.pk for card in cards if plans[card.pk].office_key]
    addresses: dict[int, list[dict[str, Any]]] = {}
    if with_office:
        found = Address.objects.filter(company_id__in=with_office)
        for row in found.values("id", "company_id", "kind", "origin", "key", *ADDRESS_PARTS):
            addresses.setdefault(row["company_id"], []).append(row)
    representatives: dict[int, list[tuple[str, str]]] = {}
    years: dict[int, dict[int, dict[str, Any]]] = {}
    if ours:
        for pk, name, role in Representative.objects.filter(company_id__in=ours).values_list(
            "company_id", "name", "role"
        ):
            representatives.setdefault(pk, []).append((name, role))
        for row in FinancialYear.objects.filter(company_id__in=ours).values(
            "company_id", "year", *_FIGURES
        ):
            years.setdefault(row.pop("company_id"), {})[row.pop("year")] = row
    writes = _Writes()
    applied = {}
    for card in cards:
        planned = plans[card.pk]
        done = applied[card.pk] = Applied()
        first_sync = not card.locked_fields
        log: dict[str, list[Any]] = {}  # the card's history entry: field → [old, new]
        changes = _fields(card, planned, held.get(card.pk), writes, log, first_sync)
        locked = sorted(set(card.locked_fields) | (planned.values.keys() & set(LOCKED)))
        if locked != sorted(card.locked_fields):
            changes["locked_fields"] = locked
        for name, value in changes.items():
            setattr(card, name, value)
        if changes:
            writes.cards.setdefault(tuple(sorted(changes)), []).append(card)
        done.fields = list(changes)
        done.address_changed = _registered_office(
            card, planned, addresses.get(card.pk, []), writes, log, first_sync
        )
        _representatives(card.pk, planned, representatives.get(card.pk, []), writes)
        _financial_years(card.pk, planned, years.get(card.pk, {}), writes)
        if log:
            writes.history.append(CardHistory(company_id=card.pk, actor="addon", changes=log))
    writes.flush(now)
    return applied


def _fields(
    card: Company,
    planned: Plan,
    provenance: dict[str, dict[str, Any]] | None,
    writes: _Writes,
    log: dict[str, list[Any]],
    first_sync: bool,
) -> dict[str, Any]:
    """The card fields to change (the user's own tracked values kept), each value's
    provenance written (``None``: the card has no row yet), alerts and history noted;
    the changes."""
    held_by = provenance or {}
    kept = dict(held_by)
    changes: dict[str, Any] = {}
    for name, value in planned.values.items():
        old = getattr(card, name)
        held = held_by.get(name)
        if name in TRACKED and old not in ("", None) and (held is None or old != held["written"]):
            continue  # the user's own value
        source, as_of, written = planned.stamps[name]
        if old != value:
            log[name] = [_json(old), written]
            if name in _ALERTS and not first_sync and held is not None:
                message = f"{card.name}: {name} changed from {old} to {value}"
                params = {"card": card.name, "field": name, "old": _json(old), "new": written}
                writes.alerts.append(_alert(card, _ALERTS[name], message, params))
            changes[name] = value
        replaced = held["replaced"] if held is not None else _json(old)
        kept[name] = {"source": source, "as_of": as_of, "written": written, "replaced": replaced}
    if kept != provenance:
        writes.provenance.append(Provenance(company_id=card.pk, fields=kept))
    return changes


def _alert(card: Company, kind: str, message: str, params: dict[str, Any] | None = None) -> Alert:
    return Alert(
        account_id=card.account_id,
        company_id=card.pk,
        kind=kind,
        message=message,
        params=params or {"card": card.name},
    )


def _registered_office(
    card: Company,
    planned: Plan,
    addresses: list[dict[str, Any]],
    writes: _Writes,
    log: dict[str, list[Any]],
    first: bool,
) -> bool:
    """One provider-owned registered office, updated in place; a user's equal address is
    folded into it (and comes back on removal)."""
    parts, key = planned.office, planned.office_key
    if parts is None or not key:
        return False
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
        writes.addresses_gone.append(twin["id"])
    log["registered_office"] = [
        {p: office[p] for p in ADDRESS_PARTS} if office else None,
        parts,
    ]
    if office is None:
        writes.addresses_new.append(
            Address(
                company_id=card.pk,
                kind=Address.Kind.REGISTERED_OFFICE,
                origin=Address.Origin.PROVIDER,
                key=key,
                **parts,
            )
        )
        return True
    writes.addresses_moved.append(Address(id=office["id"], key=key, **parts))
    if not first:
        writes.alerts.append(_alert(card, "address", f"{card.name}: the registered office moved"))
    return True


def _representatives(
    card_id: int, planned: Plan, have: list[tuple[str, str]], writes: _Writes
) -> None:
    wanted = planned.representatives
    if not wanted or sorted(have) == sorted(wanted):
        return
    if have:
        writes.representatives_gone.append(card_id)
    writes.representatives += [
        Representative(company_id=card_id, name=name, role=role) for name, role in wanted
    ]


def _financial_years(
    card_id: int, planned: Plan, have: dict[int, dict[str, Any]], writes: _Writes
) -> None:
    for year, values in planned.financial_years.items():
        if have.get(year) != values:  # new, or changed: written over (company and year)
            writes.years.append(FinancialYear(company_id=card_id, year=year, **values))


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
