"""The API's own records: the first answer to each ``Idempotency-Key`` (the middleware in
:mod:`firmsync.api.idempotency` calls these, never the model)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from firmsync.api.models import IdempotentRequest

__all__ = [
    "KEPT",
    "Answered",
    "idempotent_begin",
    "idempotent_finish",
    "idempotent_forget",
]

KEPT = datetime.timedelta(hours=24)


@dataclass(frozen=True)
class Answered:
    """What a request with a key already used gets instead of running: the first answer
    (``status`` set), or ``conflict``: ``reused`` (another request) or ``running``."""

    status: int | None = None
    body: bytes = b""
    content_type: str = ""
    conflict: str | None = None


def idempotent_begin(scope: str, key: str, fingerprint: str) -> int | Answered:
    """Record a request as running (its record's id), or say what it gets instead."""
    IdempotentRequest.objects.filter(scope=scope, created_at__lt=timezone.now() - KEPT).delete()
    try:
        with transaction.atomic():
            record = IdempotentRequest.objects.create(scope=scope, key=key, fingerprint=fingerprint)
            return record.pk
    except IntegrityError:
        pass
    first = IdempotentRequest.objects.filter(scope=scope, key=key).first()
    if first is None:  # (expired and removed meanwhile) the retry runs as a first request
        return idempotent_begin(scope, key, fingerprint)
    if first.fingerprint != fingerprint:
        return Answered(conflict="reused")
    if first.status is None:
        return Answered(conflict="running")
    return Answered(first.status, bytes(first.body), first.content_type)


def idempotent_finish(record: int, status: int, body: bytes, content_type: str) -> None:
    """Keep the answer a running request gave, for its retries."""
    IdempotentRequest.objects.filter(pk=record).update(
        status=status, body=body, content_type=content_type
    )


def idempotent_forget(record: int) -> None:
    """A request whose answer says nothing about it (it failed, or was refused): a retry
    runs again."""
    IdempotentRequest.objects.filter(pk=record).delete()
