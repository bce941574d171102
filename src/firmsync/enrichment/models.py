"""The add-on's records: data and constraints only (the rules are in ``services``)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from firmsync.crm.models import Account, Company

__all__ = [
    "AddonSettings",
    "Alert",
    "AnafAnswer",
    "AnafWait",
    "CardHistory",
    "FetcherState",
    "FinancialYear",
    "Provenance",
    "Representative",
    "SyncState",
    "UsageEntry",
    "UsageMonth",
    "WebhookDelivery",
    "WebhookSubscription",
]


class AddonSettings(models.Model):
    account = models.OneToOneField(Account, on_delete=models.CASCADE, related_name="addon")
    active = models.BooleanField(default=False)
    refresh_days = models.PositiveSmallIntegerField(
        default=30, validators=[MinValueValidator(1), MaxValueValidator(30)]
    )
    overage = models.BooleanField(default=True)
    monthly_cap = models.PositiveIntegerField(null=True, blank=True)  # companies per month
    activated_at = models.DateTimeField(null=True, blank=True)
    # The backfill after activation: the cards it had to sync (its progress is counted from
    # the cards' states, see ``backfill_progress``).
    backfill_total = models.PositiveIntegerField(default=0)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(refresh_days__gte=1, refresh_days__lte=30),
                name="refresh_days_1_to_30",
            )
        ]


class SyncState(models.Model):
    class State(models.TextChoices):
        PENDING = "pending"
        SYNCED = "synced"
        REVIEW = "review"
        NO_MATCH = "no_match"
        NOT_FOUND = "not_found"
        STOPPED = "stopped"
        FOREIGN = "foreign"
        QUOTA_PAUSED = "quota_paused"
        ERROR = "error"

    class Method(models.TextChoices):
        CUI = "cui"
        NAME = "name"
        PICKED = "picked"

    company = models.OneToOneField(Company, on_delete=models.CASCADE, related_name="sync")
    state = models.CharField(max_length=20, choices=State.choices, default=State.PENDING)
    cui = models.CharField(max_length=10, blank=True, default="")  # the company synced to
    method = models.CharField(max_length=10, choices=Method.choices, blank=True, default="")
    probability = models.FloatField(null=True, blank=True)
    candidates = models.JSONField(default=list, blank=True)
    owed_sources = models.JSONField(default=list, blank=True)  # failed, retried later
    last_synced_at = models.DateTimeField(null=True, blank=True)
    next_due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_error = models.TextField(blank=True, default="")
    # Who is syncing the card (a token of theirs) and until when at most: overlapping runs
    # and workers skip a claimed card, and a claim whose holder died expires.
    claim = models.CharField(max_length=32, blank=True, default="")
    claimed_until = models.DateTimeField(null=True, blank=True)


class Provenance(models.Model):
    """Where a card's synchronised fields came from: ``fields`` maps each field to its
    ``source``, ``as_of`` date, the value ``written`` and the value it ``replaced`` (the
    card's value before the add-on's first write), as JSON. One row a card rather than one a
    field: a card's first sync wrote fourteen rows and their index entries, a tenth of the
    backfill's time. A card has its row from the add-on's first write into it until its
    data is taken out (``remove_provider_data``): the representatives and financial years
    the add-on writes exist only while the row does, so a sync looks for them only then."""

    company = models.OneToOneField(
        Company, on_delete=models.CASCADE, primary_key=True, related_name="provenance"
    )
    fields = models.JSONField(default=dict)


class CardHistory(models.Model):
    """One change of a card: who made it, when, and each field's old and new value —
    ``{field: [old, new]}``, the shape django-auditlog keeps — so a sync that fills twenty
    fields is one entry. ``registered_office`` holds the office's parts before and after;
    ``address``, a user's address folded into the office (``[parts, None]``, and
    ``[parts, {"restored": true}]`` once it came back)."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="history")
    actor = models.CharField(max_length=20)  # "addon", "user", "restore"
    at = models.DateTimeField(auto_now_add=True)
    changes = models.JSONField(default=dict)


class FinancialYear(models.Model):
    company = models.ForeignKey(  # indexed by the unique constraint, company first
        Company, on_delete=models.CASCADE, related_name="financial_years", db_index=False
    )
    year = models.PositiveSmallIntegerField()
    turnover = models.BigIntegerField(null=True)
    net_profit = models.BigIntegerField(null=True)
    net_loss = models.BigIntegerField(null=True)
    employees = models.IntegerField(null=True)
    share_capital = models.BigIntegerField(null=True)
    source = models.CharField(max_length=20)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["company", "year"], name="one_per_year")]
        ordering = ["-year"]


class Representative(models.Model):
    """An administrator as the register lists them: name and role only, never birth data."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="representatives")
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=100, blank=True, default="")


class UsageEntry(models.Model):
    """A company fetched for an account in a month (Europe/Bucharest): what the bill counts."""

    account = models.ForeignKey(  # indexed by the unique constraint, account first
        Account, on_delete=models.CASCADE, related_name="usage", db_index=False
    )
    month = models.CharField(max_length=7)  # YYYY-MM
    cui = models.CharField(max_length=10)
    company = models.ForeignKey(Company, null=True, on_delete=models.SET_NULL)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "month", "cui"], name="once_a_month")
        ]


class UsageMonth(models.Model):
    """An account's month of usage: how many companies it counts — kept as the entries are
    written, in the same transaction, so metering never counts the month's entries again —
    and, once the month is over, its statement's prices, frozen: a later change of the
    operator's prices does not rewrite a past bill."""

    account = models.ForeignKey(  # indexed by the unique constraint, account first
        Account, on_delete=models.CASCADE, related_name="usage_months", db_index=False
    )
    month = models.CharField(max_length=7)  # YYYY-MM
    companies = models.PositiveIntegerField(default=0)
    closed_at = models.DateTimeField(null=True, blank=True)
    base = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)
    included = models.PositiveIntegerField(null=True, blank=True)
    each = models.DecimalField(max_digits=12, decimal_places=6, null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "month"], name="one_count_a_month"),
            models.CheckConstraint(
                condition=models.Q(closed_at__isnull=True)
                | models.Q(base__isnull=False, included__isnull=False, each__isnull=False),
                name="closed_with_prices",
            ),
        ]


class Alert(models.Model):
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="alerts")
    company = models.ForeignKey(Company, null=True, on_delete=models.CASCADE)
    kind = models.CharField(max_length=30)  # status, vat, efactura, name, address, usage
    message = models.TextField()  # in English, for the API and webhooks
    # What the message says, as values, so the web can say it in the user's language.
    params = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(auto_now_add=True)
    read = models.BooleanField(default=False)


class AnafAnswer(models.Model):
    """A question for ANAF and, once the fetcher has sent it, the answer: the VAT registry's
    record of a CUI (``year`` 0) or a CUI's balance sheet for a year. Syncs ask by writing
    the row (``answered_at`` empty); the deployment's one fetcher sends the pending ones,
    packed 100 CUIs a request, and writes the answers back. Answers are public data of a
    company, shared by every account that asks within their freshness."""

    class Kind(models.TextChoices):
        VAT = "vat"
        BALANCE = "balance"

    class Outcome(models.TextChoices):
        FOUND = "found"
        NOT_FOUND = "not_found"
        FAILED = "failed"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    cui = models.CharField(max_length=10)
    year = models.PositiveSmallIntegerField(default=0)  # balance sheets only
    asked_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)  # empty: pending
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True, default="")
    body = models.JSONField(null=True, blank=True)  # the record, or the balance sheet's body
    error_kind = models.CharField(max_length=20, blank=True, default="")
    error = models.TextField(blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "cui", "year"], name="one_question"),
        ]
        indexes = [
            models.Index(
                fields=["kind", "asked_at"],
                condition=models.Q(answered_at__isnull=True),
                name="pending_questions",
            )
        ]


class AnafWait(models.Model):
    """A card waiting for ANAF's answer about a CUI: the fetcher queues its sync again when
    an answer about that CUI comes in."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    cui = models.CharField(max_length=10, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["company", "cui"], name="one_wait")]


class FetcherState(models.Model):
    """The deployment's ANAF fetcher: when its last request was sent, so that whoever holds
    the fetcher's lease next keeps the interval ANAF allows. One row."""

    last_sent = models.FloatField(default=0.0)  # seconds since the epoch
    holder = models.CharField(max_length=100, blank=True, default="")  # host:pid


class WebhookSubscription(models.Model):
    """An account's endpoint for events (Standard Webhooks): where, which events (``*``:
    every one), and the secret deliveries are signed with (kept: signing needs it)."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="webhooks")
    url = models.CharField(max_length=500)
    events = models.JSONField(default=list)
    secret = models.CharField(max_length=100)  # whsec_…, shown once when created
    active = models.BooleanField(default=True)
    failed_in_a_row = models.PositiveIntegerField(default=0)  # deliveries given up on
    disabled_reason = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)


class WebhookDelivery(models.Model):
    """One event for one subscription, and how its delivery went: the same ``event_id``
    (the ``webhook-id`` header) on every attempt, so the receiver can drop duplicates."""

    class Status(models.TextChoices):
        PENDING = "pending"
        DELIVERED = "delivered"
        FAILED = "failed"  # every attempt failed: given up

    subscription = models.ForeignKey(
        WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    event_id = models.CharField(max_length=40, unique=True)
    event_type = models.CharField(max_length=50)
    payload = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
