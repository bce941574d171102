"""Backing off from a flaky provider, and staying away from one that blocks us.

>>> backoff = Backoff(base=1.0, cap=8.0, attempts=6, jitter=0.0)
>>> [backoff.delay(n) for n in range(5)]
[1.0, 2.0, 4.0, 8.0, 8.0]
>>> breaker = Breaker(threshold=2, cool_down=60.0, clock=lambda: 0.0)
>>> breaker.failed(); breaker.failed(); breaker.open_until
60.0
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = ["Backoff", "Breaker"]


@dataclass(frozen=True)
class Backoff:
    """Exponential delays ``base·2ⁿ``, capped, each shortened by up to ``jitter`` of itself
    at random (so that clients failing together do not retry together)."""

    base: float = 1.0
    cap: float = 8.0
    attempts: int = 6  # tries per request, the first included
    jitter: float = 0.5

    def delay(self, failures: int, rng: random.Random | None = None) -> float:
        full = min(self.cap, self.base * 2**failures)
        return full * (1 - self.jitter * (rng or random).random())


@dataclass
class Breaker:
    """After ``threshold`` blocked answers in a row, no call for ``cool_down`` seconds; then
    one trial call, which closes the circuit if it gets through or opens it again."""

    threshold: int = 3
    cool_down: float = 60.0
    clock: Callable[[], float] = time.monotonic
    blocked_in_a_row: int = 0
    open_until: float = field(default=0.0)

    def closed(self) -> bool:
        return self.clock() >= self.open_until

    def failed(self) -> None:
        self.blocked_in_a_row += 1
        if self.blocked_in_a_row >= self.threshold:
            self.open_until = self.clock() + self.cool_down

    def passed(self) -> None:
        self.blocked_in_a_row = 0
        self.open_until = 0.0
