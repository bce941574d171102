"""What the API keeps for itself: the first answer to each ``Idempotency-Key``."""

from __future__ import annotations

from django.db import models

__all__ = ["IdempotentRequest"]


class IdempotentRequest(models.Model):
    """A POST made with an ``Idempotency-Key``: who made it (a digest of its credentials),
    what it asked (a digest of method, path and body) and, once answered, the answer —
    which a retry with the same key gets again instead of running the request twice."""

    scope = models.CharField(max_length=64)
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField(null=True, blank=True)  # empty: in progress
    body = models.BinaryField(default=b"")
    content_type = models.CharField(max_length=100, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="one_answer_a_key")]
