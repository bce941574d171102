"""Per-token request limits (``FIRMSYNC_API_RATE``, say ``600/m``): 429 with ``Retry-After``.

Written here rather than with django-ninja's ``AuthRateThrottle``: that one reads a list of
timestamps from the cache, changes it and writes it back, so concurrent requests (gunicorn's
threads and processes) overwrite each other's counts, and it keeps its per-request state on
the shared throttle object. This one counts a fixed window with the cache's atomic ``incr``
(Redis at scale; in one process's memory on the embedded default) and keeps the wait of the
request it refused in the thread.
"""

from __future__ import annotations

import math
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from ninja.throttling import BaseThrottle

from firmsync.crm.models import ApiToken

__all__ = ["TokenRate", "parse_rate"]

_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """``"600/m"`` → (600 requests, 60 seconds).

    >>> parse_rate("600/m"), parse_rate("5/s"), parse_rate("1000/hour")
    ((600, 60), (5, 1), (1000, 3600))
    """
    count, _, period = rate.partition("/")
    return int(count), _PERIODS[period.strip()[:1]]


class TokenRate(BaseThrottle):
    """At most ``settings.FIRMSYNC_API_RATE`` requests a token in each window."""

    def __init__(self) -> None:
        self._refused = threading.local()

    def allow_request(self, request: HttpRequest) -> bool:
        token = getattr(request, "auth", None)
        if not isinstance(token, ApiToken):
            return True
        limit, seconds = parse_rate(settings.FIRMSYNC_API_RATE)
        now = time.time()
        window = int(now // seconds)
        key = f"firmsync:rate:{token.digest[:16]}:{seconds}:{window}"
        cache.add(key, 0, timeout=seconds + 1)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr: a new window
            cache.add(key, 1, timeout=seconds + 1)
            count = 1
        if count <= limit:
            return True
        self._refused.wait = (window + 1) * seconds - now
        return False

    def wait(self) -> float | None:
        return max(1, math.ceil(getattr(self._refused, "wait", 1)))
