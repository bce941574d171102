"""Cursor pagination: an opaque ``cursor`` names where the next page starts, so pages stay
right while records are added and removed (an offset would skip or repeat them)."""

from __future__ import annotations

import base64
import binascii

from firmsync.crm.errors import Invalid

__all__ = ["decode", "encode"]


def encode(key: int | None) -> str | None:
    """
    >>> encode(42), decode(encode(42))
    ('azo0Mg', 42)
    """
    if key is None:
        return None
    return base64.urlsafe_b64encode(f"k:{key}".encode()).decode().rstrip("=")


def decode(cursor: str | None) -> int | None:
    if not cursor:
        return None
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, _, key = text.partition(":")
        if kind != "k" or not key.isdigit() or len(key) > 18:
            raise ValueError(text)
        return int(key)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise Invalid("cursor", "not a cursor this API gave") from None
