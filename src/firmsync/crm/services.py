"""Creating and editing company cards and addresses: where the locks are enforced.

Every edit of a card goes through :func:`update_company`, which refuses a change to a
locked field whoever asks (web, API, CLI) and saves only the fields it changes, under a row
lock, so that it never overwrites what another writer (the add-on) saved meanwhile.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from firmsync.crm.errors import Conflict, Forbidden, Invalid, NotFound
from firmsync.crm.models import Account, Address, ApiToken, Company, Membership
from firmsync.crm.rows import one_with
from firmsync.identity import address as address_id
from firmsync.identity import cui as cui_id

__all__ = [
    "ADDRESS_PARTS",
    "CONTACT",
    "EDITABLE",
    "LockedField",
    "add_address",
    "add_member",
    "address_key",
    "canonical_cui",
    "check_company_fields",
    "create_account",
    "create_company",
    "delete_company",
    "field_max_length",
    "member_invite",
    "token_authenticate",
    "token_create",
    "token_revoke",
    "update_address",
    "update_company",
]

ADDRESS_PARTS = address_id.PARTS
# What a user types on a card: who the company is and how to reach it.
CONTACT = (
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
# What a user may set on a card (the synchronised fields too, while they are not locked).
EDITABLE = (
    *CONTACT,
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


class LockedField(Forbidden):
    """A user tried to change a field the add-on keeps read-only."""

    def __init__(self, field: str) -> None:
        super().__init__(f"{field} is synchronised from official data and cannot be edited")
        self.field = field


def canonical_cui(typed: str) -> str | None:
    """The digits of a valid Romanian CUI as typed (``RO``, spaces allowed), else ``None``."""
    typed = typed.strip()
    return cui_id.validate(typed) if typed and cui_id.is_valid(typed) else None


def check_cui_input(typed: str) -> None:
    """Refuse a CUI typed with a wrong check digit: it is a typo, not an opt-out (DESIGN §5).
    Anything that is not a number (``x``) is the user's way to stop syncing, and passes.

    >>> check_cui_input("RO 18547290"), check_cui_input("x"), check_cui_input("")
    (None, None, None)
    >>> check_cui_input("18547291")
    Traceback (most recent call last):
    ...
    firmsync.crm.errors.Invalid: cui_input: 18547291 is not a valid CUI (the check digit ...
    """
    digits = cui_id.compact(typed) if typed.strip() else ""
    if digits.isdigit() and digits.isascii() and not cui_id.is_valid(digits):
        raise Invalid(
            "cui_input",
            f"{cui_id.shown(typed)} is not a valid CUI (the check digit is wrong); "
            "type x to stop syncing this card",
        )


def field_max_length(field: str) -> int | None:
    """The longest value a card's ``field`` takes (``None``: no limit), for forms to say so
    before the service refuses it.

    >>> field_max_length("name"), field_max_length("notes")
    (300, None)
    """
    return getattr(Company._meta.get_field(field), "max_length", None)


def _check_fields(fields: dict[str, Any]) -> None:
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        field = sorted(unknown)[0]
        raise Invalid(field, f"not a card field (unknown: {', '.join(sorted(unknown))})")
    if "name" in fields and not str(fields["name"]).strip():
        raise Invalid("name", "a card needs a name")
    for field, value in fields.items():
        if value is None and not Company._meta.get_field(field).null:
            raise Invalid(field, 'cannot be null (an empty text is "")')
        # PostgreSQL refuses a value longer than its column (SQLite keeps it): one rule here.
        longest = field_max_length(field)
        if longest is not None and isinstance(value, str) and len(value) > longest:
            raise Invalid(field, f"at most {longest} characters, not {len(value)}")
    if "cui_input" in fields:
        check_cui_input(str(fields["cui_input"]))


def check_company_fields(fields: dict[str, Any]) -> None:
    """Refuse what :func:`create_company` would refuse, writing nothing: an import's preview
    tells each row's problem before any card is made, by the same rules."""
    _check_fields(fields)


def create_account(
    *, name: str, plan: str = Account.Plan.STANDARD, admin_email: str, password: str | None = None
) -> Account:
    """An account and its first administrator (an existing user with that e-mail joins)."""
    if not name.strip():
        raise Invalid("name", "an account needs a name")
    if len(name.strip()) > Account._meta.get_field("name").max_length:
        raise Invalid("name", f"at most {Account._meta.get_field('name').max_length} characters")
    if plan not in Account.Plan.values:
        raise Invalid("plan", f"must be one of {', '.join(Account.Plan.values)}, not {plan!r}")
    with transaction.atomic():
        if Account.objects.filter(name=name.strip()).exists():
            raise Conflict(f"an account named {name.strip()!r} exists already")
        account = Account.objects.create(name=name.strip(), plan=plan)
        add_member(
            account=account, email=admin_email, role=Membership.Role.ADMIN, password=password
        )
    return account


def _email(typed: str) -> str:
    """A member's address as stored (it is also their username), or refused."""
    email = typed.strip().lower()
    if "@" not in email:
        raise Invalid("email", f"{email!r} is not an e-mail address")
    longest = get_user_model()._meta.get_field("username").max_length
    if longest is not None and len(email) > longest:
        raise Invalid("email", f"at most {longest} characters, not {len(email)}")
    return email


def add_member(
    *, account: Account, email: str, role: str = Membership.Role.MEMBER, password: str | None = None
) -> Membership:
    """A user (made if new: username and e-mail are the address) joins the account."""
    email = _email(email)
    if role not in Membership.Role.values:
        raise Invalid("role", f"must be one of {', '.join(Membership.Role.values)}, not {role!r}")
    with transaction.atomic():
        users = get_user_model()
        user = users.objects.filter(username=email).first()
        if user is None:
            user = users.objects.create_user(email, email, password)
        if Membership.objects.filter(account=account, user=user).exists():
            raise Conflict(f"{email} is a member of {account.name!r} already")
        return Membership.objects.create(account=account, user=user, role=role)


def member_invite(
    account: Account, user: AbstractBaseUser, *, email: str, role: str = Membership.Role.MEMBER
) -> Membership:
    """An administrator adds someone to the account (they choose their password through
    "forgot your password?"); anyone else is refused."""
    if not Membership.objects.filter(
        account=account, user=user, role=Membership.Role.ADMIN
    ).exists():
        raise Forbidden(f"only an administrator of {account.name!r} adds members")
    return add_member(account=account, email=email, role=role)


def create_company(account: Account, *, name: str, **fields: Any) -> Company:
    _check_fields({"name": name, **fields})
    company = Company(account=account, name=name.strip(), **fields)
    company.cui = canonical_cui(company.cui_input)
    company.save()
    return company


def delete_company(company: Company) -> None:
    """The card and everything hanging from it (addresses, the add-on's records); the usage
    ledger keeps its entries, without the card: they are the bill."""
    company.delete()


def update_company(company: Company, changes: dict[str, Any]) -> list[str]:
    """Apply a user's ``changes``; the names of the fields that changed.

    Raises :class:`LockedField` (and changes nothing) when one is locked and its value
    differs, :class:`~firmsync.crm.errors.Invalid` for bad input.
    """
    _check_fields(changes)
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
        raise Invalid("address", f"unknown parts: {', '.join(sorted(unknown))}")
    key = address_key(parts)
    if not key:
        raise Invalid("address", "every part is empty")
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
        raise Invalid("address", f"unknown parts: {', '.join(sorted(unknown))}")
    merged = {p: getattr(address, p) for p in ADDRESS_PARTS} | parts
    key = address_key(merged)
    if not key:
        raise Invalid("address", "every part is empty")
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


TOKEN_PREFIX = "fs_"  # tells a firmsync token apart in a secret scanner or a log
_USED_EVERY = datetime.timedelta(minutes=1)  # last use is kept to the minute


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def token_create(
    *, email: str, account: Account | None = None, name: str = ""
) -> tuple[ApiToken, str]:
    """A new API token for the member ``email`` (of ``account``, needed when the user is a
    member of several); the token and its text, which is shown once and never stored."""
    email = email.strip().lower()
    longest = ApiToken._meta.get_field("name").max_length
    if longest is not None and len(name.strip()) > longest:
        raise Invalid("name", f"at most {longest} characters, not {len(name.strip())}")
    memberships = Membership.objects.select_related("account").filter(user__username=email)
    if account is not None:
        memberships = memberships.filter(account=account)
    found = list(memberships[:2])
    if not found and "@" not in email:  # (a member is never refused for how they are named)
        raise Invalid("email", f"{email!r} is not an e-mail address")
    if not found:
        where = f" of {account.name!r}" if account is not None else ""
        raise NotFound(f"{email} is not a member{where}")
    if len(found) > 1:
        raise Invalid("account", f"{email} is a member of several accounts: name one")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        membership=found[0],
        name=name.strip() or f"token {timezone.now():%Y-%m-%d %H:%M}",
        prefix=raw[: len(TOKEN_PREFIX) + 5],
        digest=_digest(raw),
    )
    return token, raw


def token_authenticate(raw: str, *, now: datetime.datetime | None = None) -> ApiToken | None:
    """The token (its member, account and user loaded), or ``None`` when it is unknown,
    revoked or its user inactive. Notes the use, at most once a minute:
    a read must not cost a write each time."""
    # One query for every API request (crm.rows).
    token = one_with(
        ApiToken,
        ("membership", "membership__account", "membership__user"),
        digest=_digest(raw),
        revoked_at__isnull=True,
    )
    if token is None or not token.membership.user.is_active:
        return None
    now = now or timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= _USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def token_revoke(
    *, token_id: int, account: Account | None = None, email: str | None = None
) -> ApiToken:
    """Revoke a token (of ``account``, and of the user ``email`` when given — a member
    revokes their own; ``None``: the operator); it stops working at once."""
    tokens = ApiToken.objects.filter(pk=token_id)
    if account is not None:
        tokens = tokens.filter(membership__account=account)
    if email is not None:
        tokens = tokens.filter(membership__user__username=email.strip().lower())
    token = tokens.first()
    if token is None:
        raise NotFound(f"no token {token_id}")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token
