"""A queue or database out of reach is said once a minute, in one line, not with a traceback
a poll: the job processes and the scheduler poll the queue several times a second, and each
failed poll logged its whole traceback (about five a second while Redis was down)."""

from __future__ import annotations

import logging
import sqlite3
import time

from firmsync.identity import cnp

__all__ = ["OutageFilter", "quiet_outages"]

EVERY = 60.0  # seconds between two lines about the same outage, from the same logger
# The job queue's loggers (huey's consumer) and the ANAF fetcher's.
LOGGERS = ("huey.consumer.Worker", "huey.consumer.Scheduler", "firmsync.enrichment.fetcher")


def _out_of_reach(error: BaseException) -> bool:
    """A connection that failed: Redis's, PostgreSQL's, a socket's, SQLite's file lock."""
    from redis.exceptions import ConnectionError as RedisDown
    from redis.exceptions import TimeoutError as RedisSlow

    names = {type(e).__name__ for e in (error, error.__cause__, error.__context__) if e}
    return (
        isinstance(error, RedisDown | RedisSlow | ConnectionError | sqlite3.OperationalError)
        or "OperationalError" in names
    )


class OutageFilter(logging.Filter):
    """Lets through the first record of an outage as one line, then one a minute."""

    def __init__(self, every: float = EVERY) -> None:
        super().__init__()
        self.every = every
        self.said_at: float | None = None

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if error is None or not _out_of_reach(error):
            return True
        now = time.monotonic()
        if self.said_at is not None and now - self.said_at < self.every:
            return False
        self.said_at = now
        said = record.getMessage().rstrip(".")
        record.msg = cnp.mask(f"{said} (out of reach: {type(error).__name__}: {error})")
        record.args, record.exc_info, record.exc_text = (), None, None
        return True


def quiet_outages() -> None:
    """Fit the filter to the loggers that poll (once a process, before it forks)."""
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, OutageFilter) for f in logger.filters):
            logger.addFilter(OutageFilter())
