"""Per-token request limits (``FIRMSYNC_API_RATE``, say ``600/m``): 429 with ``Retry-After``.

Written here rather than with django-ninja's ``AuthRateThrottle``: that one reads a list of
timestamps from the cache, changes it and writes it back, so concurrent requests (gunicorn's
threads and processes) overwrite each other's counts, and it keeps its per-request state on
the shared throttle object. This one counts a fixed window atomically: in Redis when the
queue is Redis (shared by every web process; ``INCR`` and ``EXPIRE`` in one round trip,
where the cache's ``add`` and ``incr`` take three), else in the process's memory through
the cache. It keeps the wait of the request it refused in the thread."""

from __future__ import annotations

import math
import threading
import time
from functools import cache

from django.conf import settings
from django.core.cache import cache as django_cache
from django.http import HttpRequest
from ninja.throttling import BaseThrottle
from redis import Redis

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


@cache
def _redis() -> Redis | None:
    """A client of the cache's Redis (``None``: the cache is the process's memory)."""
    held = settings.CACHES["default"]
    if not held["BACKEND"].endswith("RedisCache"):
        return None
    return Redis.from_url(held["LOCATION"])


def _count(key: str, seconds: int) -> int:
    """The key's count after this request; the key lasts ``seconds`` after its last one."""
    client = _redis()
    if client is not None:
        counted, _ = client.pipeline(transaction=False).incr(key).expire(key, seconds).execute()
        return int(counted)
    django_cache.add(key, 0, timeout=seconds)
    try:
        return django_cache.incr(key)
    except ValueError:  # expired between add and incr: a new window
        django_cache.add(key, 1, timeout=seconds)
        return 1


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
        if _count(key, seconds + 1) <= limit:
            return True
        self._refused.wait = (window + 1) * seconds - now
        return False

    def wait(self) -> float | None:
        return max(1, math.ceil(getattr(self._refused, "wait", 1)))
