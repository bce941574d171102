"""The pace of one sender: requests at least ``1/rate`` apart, as ANAF allows.

Only one process sends ANAF's requests at a time (the deployment's fetcher, which holds a
lease: :mod:`firmsync.enrichment.fetcher`), so the pace lives in that process. Sends are
spaced a little wider than the limit: ANAF measures arrivals, and arrivals jitter on their
way (docs/sources.md has the figures). ``before_send`` runs before each send: the fetcher
checks its lease there and records the send, so that the next holder keeps the interval
too.

>>> pace = IntervalPace(rate=1000.0)
>>> pace.wait(); pace.wait()  # the second call sleeps about a millisecond
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Protocol

__all__ = ["MARGIN", "SLACK", "IntervalPace", "Pace", "interval"]

# 1 request/s becomes one every 1.07 s: 93 CUIs/s at 100 a request.
MARGIN, SLACK = 1.01, 0.06


class Pace(Protocol):
    def wait(self) -> None:
        """Block until this caller may send one request."""


def interval(rate: float) -> float:
    """Seconds between two sends at ``rate`` requests a second, with the margin."""
    if rate <= 0:
        raise ValueError(f"rate must be positive, not {rate}")
    return MARGIN / rate + SLACK


class IntervalPace:
    """Sends ``interval(rate)`` apart, counted from ``last`` (a previous holder's last send,
    on ``clock``'s scale)."""

    def __init__(
        self,
        rate: float,
        *,
        last: float | None = None,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
        before_send: Callable[[float], None] | None = None,
    ) -> None:
        self.interval = interval(rate)
        self.clock, self.sleep, self.before_send = clock, sleep, before_send
        self._next = (last + self.interval) if last is not None else 0.0
        self._lock = threading.Lock()

    def wait(self) -> None:
        with self._lock:
            while (ahead := self._next - self.clock()) > 0:
                self.sleep(ahead)
            if self.before_send is not None:
                self.before_send(self.clock())
            # Counted from the moment the request leaves, after before_send: the fetcher's
            # lease and database write there can wait on another writer (SQLite's lock).
            self._next = self.clock() + self.interval
