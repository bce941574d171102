"""Creating and editing company cards and addresses: where the locks are enforced.

Every edit of a card goes through :func:`update_company`, which refuses a change to a
locked field whoever asks (web, API, CLI) and saves only the fields it changes, under a row
lock, so that it never overwrites what another writer (the add-on) saved meanwhile.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from firmsync.crm.models import Account, Address, Company
from firmsync.identity import address as address_id
from firmsync.identity import cui as cui_id

__all__ = [
    "ADDRESS_PARTS",
    "EDITABLE",
    "LockedField",
    "add_address",
    "address_key",
    "canonical_cui",
    "create_company",
    "update_address",
    "update_company",
]

ADDRESS_PARTS = address_id.PARTS
# What a user may set on a card (the synchronised fields too, while they are not locked).
EDITABLE = (
    "name",
    "cui_input",
    "country",
    "county",
    "locality",
    "phone",
    "email",
    "website",
    "notes",
    "legal_name",
    "reg_number",
    "legal_form",
    "status",
    "founded_on",
    "caen_code",
    "caen_title",
    "employees",
    "turnover",
    "net_profit",
    "share_capital",
    "financial_year",
)


class LockedField(PermissionError):
    """A user tried to change a field the add-on keeps read-only."""

    def __init__(self, field: str) -> None:
        super().__init__(f"{field} is synchronised from official data and cannot be edited")
        self.field = field


def canonical_cui(typed: str) -> str | None:
    """The digits of a valid Romanian CUI as typed (``RO``, spaces allowed), else ``None``."""
    typed = typed.strip()
    return cui_id.validate(typed) if typed and cui_id.is_valid(typed) else None


def create_company(account: Account, *, name: str, **fields: Any) -> Company:
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ValueError(f"unknown card fields: {', '.join(sorted(unknown))}")
    if not name.strip():
        raise ValueError("name: a card needs a name")
    company = Company(account=account, name=name.strip(), **fields)
    company.cui = canonical_cui(company.cui_input)
    company.save()
    return company


def update_company(company: Company, changes: dict[str, Any]) -> list[str]:
    """Apply a user's ``changes``; the names of the fields that changed.

    Raises :class:`LockedField` (and changes nothing) when one is locked and its value
    differs, ``ValueError`` for a field that is not a card's.
    """
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValueError(f"unknown card fields: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        fresh = Company.objects.select_for_update().get(pk=company.pk)
        changed = [f for f, v in changes.items() if getattr(fresh, f) != v]
        for field in changed:
            if field in fresh.locked_fields:
                raise LockedField(field)
        for field in changed:
            setattr(fresh, field, changes[field])
        if "cui_input" in changed:
            fresh.cui = canonical_cui(fresh.cui_input)
            changed.append("cui")
        if changed:
            fresh.save(update_fields=[*changed, "updated_at"])
    for field in (*changed, "updated_at"):
        setattr(company, field, getattr(fresh, field))
    return changed


def address_key(parts: dict[str, Any]) -> str:
    return address_id.key(**{p: parts.get(p) for p in ADDRESS_PARTS if p != "country"})


def add_address(
    company: Company,
    *,
    kind: str = Address.Kind.OTHER,
    origin: str = Address.Origin.USER,
    **parts: str,
) -> Address:
    """A user's (or provider's) address on the card; the existing one when the card already
    has the same address, however written — never two equal addresses on a card."""
    unknown = set(parts) - set(ADDRESS_PARTS)
    if unknown:
        raise ValueError(f"unknown address parts: {', '.join(sorted(unknown))}")
    key = address_key(parts)
    if not key:
        raise ValueError("address: every part is empty")
    existing = Address.objects.filter(company=company, key=key).first()
    if existing is not None:
        return existing
    return Address.objects.create(company=company, kind=kind, origin=origin, key=key, **parts)


def update_address(address: Address, **parts: str) -> Address:
    """A user edits one of their addresses; the provider's are read-only. If the edit makes
    it equal to another address of the card, the two become one (the other is kept)."""
    if address.origin != Address.Origin.USER:
        raise LockedField("address")
    unknown = set(parts) - set(ADDRESS_PARTS)
    if unknown:
        raise ValueError(f"unknown address parts: {', '.join(sorted(unknown))}")
    merged = {p: getattr(address, p) for p in ADDRESS_PARTS} | parts
    key = address_key(merged)
    if not key:
        raise ValueError("address: every part is empty")
    with transaction.atomic():
        twin = Address.objects.filter(company_id=address.company_id, key=key).exclude(pk=address.pk)
        if (kept := twin.first()) is not None:
            address.delete()
            return kept
        for part, value in parts.items():
            setattr(address, part, value)
        address.key = key
        address.save()
    return address
