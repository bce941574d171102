"""What can go wrong when a source is asked for a company, classified by what to do next.

- :class:`NotFound`: the source does not know the CUI. Final; not an outage.
- :class:`Transient`: timeout, connection reset, 5xx, maintenance page, 429. Retried after a
  bounded exponential backoff with jitter.
- :class:`Blocked`: the provider refuses us (ANAF's firewall page, 403). Opens the circuit
  breaker: no call for a while, then one trial call.
- :class:`Malformed`: an answer that is not what the reference documents (a format change).
  Reported with an excerpt of the body; retrying will not help.
- :class:`Deferred`: asked, and the answer is not in yet (the deployment's one ANAF fetcher
  sends the request); the caller comes back when it is.

A failed lookup raises; it never passes partial facts off as complete.
"""

from __future__ import annotations

__all__ = [
    "Blocked",
    "Deferred",
    "Malformed",
    "NotFound",
    "SourceError",
    "Transient",
    "excerpt",
    "from_kind",
]

EXCERPT = 200  # characters of a body quoted in an error


def excerpt(body: bytes | str, limit: int = EXCERPT) -> str:
    """The start of a body, on one line, for an error message.

    >>> excerpt(b'<html>\\n<title>Request Rejected</title>' + b'x' * 500)[:40]
    '<html> <title>Request Rejected</title>xx'
    """
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit] + "…"


class SourceError(Exception):
    """A source could not give the facts asked for."""

    kind = "error"

    def __init__(self, source: str, message: str) -> None:
        super().__init__(f"{source}: {message}")
        self.source = source


class NotFound(SourceError):
    kind = "not_found"


class Transient(SourceError):
    kind = "transient"

    def __init__(self, source: str, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(source, message)
        self.retry_after = retry_after


class Blocked(SourceError):
    kind = "blocked"


class Malformed(SourceError):
    kind = "malformed"


class Deferred(SourceError):
    kind = "deferred"


def from_kind(kind: str, source: str, message: str) -> SourceError:
    """The error of this ``kind`` again (a stored answer's error, read back).

    >>> from_kind("blocked", "anaf", "circuit open").kind
    'blocked'
    """
    classes = {c.kind: c for c in (NotFound, Transient, Blocked, Malformed, Deferred)}
    return classes.get(kind, SourceError)(source, message)
