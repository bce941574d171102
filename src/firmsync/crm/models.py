"""Accounts, members, company cards and addresses: data and constraints only."""

from __future__ import annotations

from django.conf import settings
from django.db import models

__all__ = ["Account", "Address", "ApiToken", "Company", "Membership"]


class Account(models.Model):
    class Plan(models.TextChoices):
        STANDARD = "standard"
        PROFESSIONAL = "professional"

    name = models.CharField(max_length=200, unique=True)
    plan = models.CharField(max_length=20, choices=Plan.choices, default=Plan.STANDARD)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    class Role(models.TextChoices):
        ADMIN = "admin"
        MEMBER = "member"

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "user"], name="one_membership_per_account")
        ]


class Company(models.Model):
    """A company card."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="companies")
    name = models.CharField(max_length=300)  # display name, always editable
    cui_input = models.CharField(max_length=40, blank=True, default="")  # as typed
    cui = models.CharField(max_length=10, null=True, blank=True)  # canonical digits, or None
    country = models.CharField(max_length=2, default="RO")
    county = models.CharField(max_length=60, blank=True, default="")
    locality = models.CharField(max_length=120, blank=True, default="")
    phone = models.CharField(max_length=60, blank=True, default="")
    email = models.CharField(max_length=200, blank=True, default="")
    website = models.CharField(max_length=300, blank=True, default="")
    notes = models.TextField(blank=True, default="")
    # Synchronised fields (written by the add-on, locked while it is active).
    legal_name = models.CharField(max_length=300, blank=True, default="")
    reg_number = models.CharField(max_length=40, blank=True, default="")
    euid = models.CharField(max_length=40, blank=True, default="")
    legal_form = models.CharField(max_length=20, blank=True, default="")
    status = models.CharField(max_length=20, blank=True, default="")
    vat_payer = models.BooleanField(null=True, blank=True)
    vat_on_cash = models.BooleanField(null=True, blank=True)
    split_vat = models.BooleanField(null=True, blank=True)
    efactura = models.BooleanField(null=True, blank=True)
    founded_on = models.DateField(null=True, blank=True)
    caen_code = models.CharField(max_length=4, blank=True, default="")
    caen_revision = models.PositiveSmallIntegerField(null=True, blank=True)
    caen_title = models.CharField(max_length=300, blank=True, default="")
    employees = models.IntegerField(null=True, blank=True)
    turnover = models.BigIntegerField(null=True, blank=True)
    net_profit = models.BigIntegerField(null=True, blank=True)
    share_capital = models.BigIntegerField(null=True, blank=True)
    financial_year = models.PositiveSmallIntegerField(null=True, blank=True)
    locked_fields = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["account", "cui"])]

    def __str__(self) -> str:
        return self.name


class Address(models.Model):
    class Kind(models.TextChoices):
        REGISTERED_OFFICE = "registered_office"
        FISCAL_DOMICILE = "fiscal_domicile"
        OTHER = "other"

    class Origin(models.TextChoices):
        PROVIDER = "provider"
        USER = "user"

    company = models.ForeignKey(  # indexed by the unique constraints, company first
        Company, on_delete=models.CASCADE, related_name="addresses", db_index=False
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.USER)
    country = models.CharField(max_length=60, blank=True, default="")
    county = models.CharField(max_length=60, blank=True, default="")
    locality = models.CharField(max_length=120, blank=True, default="")
    sector = models.CharField(max_length=20, blank=True, default="")
    street = models.CharField(max_length=200, blank=True, default="")
    number = models.CharField(max_length=40, blank=True, default="")
    block = models.CharField(max_length=20, blank=True, default="")
    staircase = models.CharField(max_length=20, blank=True, default="")
    floor = models.CharField(max_length=20, blank=True, default="")
    apartment = models.CharField(max_length=20, blank=True, default="")
    postal_code = models.CharField(max_length=10, blank=True, default="")
    details = models.CharField(max_length=300, blank=True, default="")
    key = models.CharField(max_length=600, default="")  # normalised, for "the same address"

    class Meta:
        constraints = [
            # One provider address per kind; and never the same address twice on a card.
            models.UniqueConstraint(
                fields=["company", "kind"],
                condition=models.Q(origin="provider"),
                name="one_provider_address_per_kind",
            ),
            models.UniqueConstraint(fields=["company", "key"], name="no_duplicate_address"),
        ]


class ApiToken(models.Model):
    """A member's token for the REST API: shown once, stored as its SHA-256 digest (a random
    256-bit token needs no slow hash: there is nothing to guess), named, revocable."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12)  # the token's first characters, to tell it apart
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)  # to the minute
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
