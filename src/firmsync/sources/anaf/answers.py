"""Telling ANAF's answers apart: data, firewall page, maintenance page, throttling, garbage.

ANAF's status codes do not say what came back (anaf-api.md §7): the F5 firewall page can
come with 200, the maintenance page with 404 or 200, and the VAT service can answer 404 with
a perfectly good ``found``/``notFound`` body. So the body decides first, then the status.
"""

from __future__ import annotations

import json
from typing import Any

from firmsync.identity.text import fold
from firmsync.sources.errors import Blocked, Malformed, Transient, excerpt

__all__ = ["decode", "vat_lists"]

_FIREWALL = ("REQUEST REJECTED", "THE REQUESTED URL WAS REJECTED")
_MAINTENANCE = "MENTENANTA"


def _retry_after(headers: dict[str, str]) -> float | None:
    value = headers.get("retry-after", "")
    return float(value) if value.replace(".", "", 1).isdigit() else None


def decode(source: str, status: int, headers: dict[str, str], body: bytes) -> Any:
    """The decoded JSON of an answer (``None`` for an empty body), or the error it means.

    ``headers`` has lower-case names. Raises :class:`Blocked` for the firewall page and 401
    or 403, :class:`Transient` for maintenance pages, other HTML, 429 and 5xx, and
    :class:`Malformed` for a body that is not JSON or an error envelope (``cod`` not 200).
    """
    start = body.lstrip()[:1]
    if "html" in headers.get("content-type", "").lower() or start == b"<":
        page = fold(body.decode("utf-8", "replace"))
        if any(marker in page for marker in _FIREWALL):
            raise Blocked(source, f"firewall page (HTTP {status}): {excerpt(body)}")
        if _MAINTENANCE in page:
            raise Transient(source, f"maintenance page (HTTP {status})")
        raise Transient(source, f"an HTML page, not data (HTTP {status}): {excerpt(body)}")
    if status == 429:
        raise Transient(source, "rate limit exceeded (HTTP 429)", retry_after=_retry_after(headers))
    if status in (401, 403):
        raise Blocked(source, f"refused (HTTP {status}): {excerpt(body)}")
    if status >= 500:
        raise Transient(source, f"server error (HTTP {status}): {excerpt(body)}")
    if not start:
        if status == 200:
            return None
        raise Malformed(source, f"empty body with HTTP {status}")
    try:
        data = json.loads(body)
    except ValueError:
        raise Malformed(source, f"not JSON (HTTP {status}): {excerpt(body)}") from None
    if isinstance(data, dict) and "cod" in data and data["cod"] != 200:
        said = data.get("message") or data.get("eroare") or ""
        if data["cod"] == 429:
            raise Transient(source, f"rate limit exceeded: {said}")
        raise Malformed(source, f"error {data['cod']}: {excerpt(str(said))}")
    if status not in (200, 404):
        raise Malformed(source, f"HTTP {status}: {excerpt(body)}")
    return data


def _cui_of(item: Any) -> str:
    value = item.get("cui") if isinstance(item, dict) else item
    return str(int(str(value).strip()))


def vat_lists(source: str, data: Any) -> tuple[list[dict[str, Any]], set[str]]:
    """``found`` records and ``notFound`` CUIs of a v9 (or v8) envelope.

    ``notFound`` holds numbers, digit strings or ``{"cui": …}`` objects: all are read.
    """
    if not isinstance(data, dict) or not ("found" in data or "notFound" in data):
        raise Malformed(source, f"no 'found' or 'notFound' list: {excerpt(json.dumps(data))}")
    found, missing = data.get("found") or [], data.get("notFound") or []
    if not isinstance(found, list) or not isinstance(missing, list):
        raise Malformed(source, "'found' or 'notFound' is not a list")
    try:
        not_found = {_cui_of(item) for item in missing}
    except (TypeError, ValueError):
        raise Malformed(source, f"'notFound' holds a non-CUI: {excerpt(str(missing))}") from None
    for record in found:
        if not isinstance(record, dict):
            raise Malformed(source, f"'found' holds {excerpt(str(record))}, not a record")
    return found, not_found
