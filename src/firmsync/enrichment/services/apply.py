"""Writing facts into a card, and taking them out again (opt-out, relink, deactivation).

:func:`apply` runs in one transaction with the card's row locked, writes only the fields it
changes (a user's concurrent edit of another field is kept), and is idempotent: the same
facts a second time change nothing. Every value it overwrites is kept (the first time, in
the field's provenance, and in the card's history) so :func:`remove_provider_data` can put
the user's values back.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction

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
from firmsync.sources.facts import CompanyFacts

__all__ = ["Applied", "apply", "remove_provider_data"]

# Changes that raise an alert: a client's status, VAT, e-Factura, name or address.
_ALERTS = {
    "status": "status",
    "vat_payer": "vat",
    "efactura": "efactura",
    "legal_name": "name",
}
_DATES = ("founded_on",)


def _json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime.date) else value


def _from_json(field: str, value: Any) -> Any:
    if field in _DATES and value:
        return datetime.date.fromisoformat(value)
    return value


def _blank(field: str) -> Any:
    return "" if isinstance(Company._meta.get_field(field).default, str) else None


class Applied:
    """What an apply changed: fields, and whether the registered office moved."""

    def __init__(self) -> None:
        self.fields: list[str] = []
        self.address_changed = False
        self.alerts: list[Alert] = []

    @property
    def changed(self) -> bool:
        return bool(self.fields or self.address_changed)


def apply(company: Company, facts: CompanyFacts) -> Applied:
    """Write ``facts`` into ``company`` (see the module's rules); what changed."""
    applied = Applied()
    values = card_values(facts)
    with transaction.atomic():
        card = Company.objects.select_for_update().get(pk=company.pk)
        first_sync = not card.locked_fields
        provenance = {p.field: p for p in Provenance.objects.filter(company=card)}
        history: list[CardHistory] = []  # written in one statement each (a card has ~20)
        created: list[Provenance] = []
        for field, value in values.items():
            old = getattr(card, field)
            held = provenance.get(field)
            if field in TRACKED and old not in ("", None) and (held is None or old != held.written):
                continue  # the user's own value
            stamp = facts.sources.get(FACT_OF[field])
            if old != value:
                history.append(
                    CardHistory(
                        company=card, field=field, old=_json(old), new=_json(value), actor="addon"
                    )
                )
                if field in _ALERTS and not first_sync and held is not None:
                    applied.alerts.append(
                        Alert(
                            account_id=card.account_id,
                            company=card,
                            kind=_ALERTS[field],
                            message=f"{card.name}: {field} changed from {old} to {value}",
                        )
                    )
                setattr(card, field, value)
                applied.fields.append(field)
            source = stamp.source if stamp else ""
            as_of = (stamp.as_of or "") if stamp else ""
            if held is None:
                created.append(
                    Provenance(
                        company=card,
                        field=field,
                        source=source,
                        as_of=as_of,
                        written=_json(value),
                        replaced=_json(old),
                    )
                )
            elif (held.written, held.source, held.as_of) != (_json(value), source, as_of):
                held.written, held.source, held.as_of = _json(value), source, as_of
                held.save(update_fields=["written", "source", "as_of"])
        CardHistory.objects.bulk_create(history)
        Provenance.objects.bulk_create(created)
        locked = sorted(set(card.locked_fields) | (values.keys() & set(LOCKED)))
        if locked != sorted(card.locked_fields):
            card.locked_fields = locked
            applied.fields.append("locked_fields")
        if applied.fields:
            card.save(update_fields=[*dict.fromkeys(applied.fields), "updated_at"])
        applied.address_changed = _registered_office(card, facts, applied, first_sync)
        _representatives(card, facts)
        _financial_years(card, facts)
        Alert.objects.bulk_create(applied.alerts)
    for field in applied.fields:
        setattr(company, field, getattr(card, field))
    return applied


def _registered_office(card: Company, facts: CompanyFacts, applied: Applied, first: bool) -> bool:
    """One provider-owned registered office, updated in place; a user's equal address is
    folded into it (and comes back on removal)."""
    if facts.address is None:
        return False
    parts = {p: getattr(facts.address, p) or "" for p in ADDRESS_PARTS}
    key = address_key(parts)
    if not key:
        return False
    office = Address.objects.filter(
        company=card, origin=Address.Origin.PROVIDER, kind=Address.Kind.REGISTERED_OFFICE
    ).first()
    if office is not None and office.key == key:
        return False
    for twin in Address.objects.filter(company=card, key=key, origin=Address.Origin.USER):
        CardHistory.objects.create(
            company=card,
            field="address",
            old={p: getattr(twin, p) for p in ("kind", *ADDRESS_PARTS)},
            new=None,
            actor="addon",
        )
        twin.delete()
    if office is None:
        Address.objects.create(
            company=card,
            kind=Address.Kind.REGISTERED_OFFICE,
            origin=Address.Origin.PROVIDER,
            key=key,
            **parts,
        )
        return True
    for part, value in parts.items():
        setattr(office, part, value)
    office.key = key
    office.save()
    if not first:
        applied.alerts.append(
            Alert(
                account_id=card.account_id,
                company=card,
                kind="address",
                message=f"{card.name}: the registered office moved",
            )
        )
    return True


def _representatives(card: Company, facts: CompanyFacts) -> None:
    wanted = [(r.name, r.role or "") for r in facts.representatives]
    if not wanted:
        return
    have = list(Representative.objects.filter(company=card).values_list("name", "role"))
    if sorted(have) != sorted(wanted):
        Representative.objects.filter(company=card).delete()
        Representative.objects.bulk_create(
            Representative(company=card, name=name, role=role) for name, role in wanted
        )


def _financial_years(card: Company, facts: CompanyFacts) -> None:
    have = {f.year: f for f in FinancialYear.objects.filter(company=card)}
    created: list[FinancialYear] = []
    for figures in facts.financials:
        stamp = facts.sources.get(f"financials/{figures.year}") or facts.sources.get("financials")
        values = {
            "turnover": figures.turnover,
            "net_profit": figures.net_profit,
            "net_loss": figures.net_loss,
            "employees": figures.employees,
            "share_capital": figures.share_capital,
            "source": stamp.source if stamp else "",
        }
        row = have.get(figures.year)
        if row is None:
            created.append(FinancialYear(company=card, year=figures.year, **values))
        elif any(getattr(row, k) != v for k, v in values.items()):
            FinancialYear.objects.filter(pk=row.pk).update(**values)
    FinancialYear.objects.bulk_create(created)


def remove_provider_data(company: Company) -> int:
    """Take out everything the add-on wrote; put the user's earlier values back; unlock.

    Returns how many fields were restored. Usage entries stay: they are the bill.
    """
    with transaction.atomic():
        card = Company.objects.select_for_update().get(pk=company.pk)
        restored = []
        for held in Provenance.objects.filter(company=card):
            field = held.field
            if _json(getattr(card, field)) != held.written:
                continue  # changed since (a tracked field the user edited): theirs
            before = _from_json(field, held.replaced)
            value = before if before is not None else _blank(field)
            if getattr(card, field) != value:
                CardHistory.objects.create(
                    company=card,
                    field=field,
                    old=held.written,
                    new=_json(value),
                    actor="restore",
                )
                setattr(card, field, value)
                restored.append(field)
        Provenance.objects.filter(company=card).delete()
        Address.objects.filter(company=card, origin=Address.Origin.PROVIDER).delete()
        for entry in CardHistory.objects.filter(company=card, field="address", new__isnull=True):
            old = dict(entry.old or {})
            kind = old.pop("kind", Address.Kind.OTHER)
            key = address_key(old)
            if key and not Address.objects.filter(company=card, key=key).exists():
                Address.objects.create(company=card, kind=kind, key=key, **old)
            entry.new = {"restored": True}
            entry.save(update_fields=["new"])
        FinancialYear.objects.filter(company=card).delete()
        Representative.objects.filter(company=card).delete()
        card.locked_fields = []
        card.save(update_fields=[*restored, "locked_fields", "updated_at"])
    for field in (*restored, "locked_fields"):
        setattr(company, field, getattr(card, field))
    return len(restored)
