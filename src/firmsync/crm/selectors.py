"""Reads of the CRM, scoped: a caller names the account it acts for, and sees nothing else.

The operator's CLI acts for the account it names; the API and the web act for the member's
account. A card outside the account is "not found", exactly like a card that does not exist.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from firmsync.crm.errors import NotFound
from firmsync.crm.models import Account, ApiToken, Company, Membership

__all__ = [
    "account_named",
    "card_of",
    "cards_of",
    "members_of",
    "membership_of",
    "tokens_of",
]


def account_named(name: str) -> Account:
    account = Account.objects.filter(name=name).first()
    if account is None:
        raise NotFound(f"no account named {name!r}")
    return account


def membership_of(user: AbstractBaseUser) -> Membership:
    """The membership a signed-in user acts through on the web: their first (a user in
    several accounts sees the oldest of them until the web lets them choose)."""
    membership = (
        Membership.objects.select_related("account").filter(user=user).order_by("pk").first()
    )
    if membership is None:
        raise NotFound(f"{user} is a member of no account")
    return membership


def cards_of(account: Account) -> QuerySet[Company]:
    return Company.objects.filter(account=account).order_by("pk")


def card_of(card_id: int, *, account: Account | None) -> Company:
    """The card ``card_id`` of ``account`` (``None``: the operator, who sees every account)."""
    cards = Company.objects.select_related("account")
    if account is not None:
        cards = cards.filter(account=account)
    card = cards.filter(pk=card_id).first()
    if card is None:
        raise NotFound(f"no card {card_id}")
    return card


def members_of(account: Account) -> list[Membership]:
    """The account's members, administrators first, then by address."""
    members = Membership.objects.select_related("user").filter(account=account)
    return sorted(members, key=lambda m: (m.role != Membership.Role.ADMIN, m.user.username))


def tokens_of(*, account: Account | None = None, email: str | None = None) -> list[ApiToken]:
    """API tokens, newest first: of ``account``, of the user ``email``, or every one."""
    tokens = ApiToken.objects.select_related("membership__account", "membership__user")
    if account is not None:
        tokens = tokens.filter(membership__account=account)
    if email is not None:
        tokens = tokens.filter(membership__user__username=email.strip().lower())
    return list(tokens.order_by("-pk"))
