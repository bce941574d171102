"""Log records that never carry a personal numeric code (CNP).

Every record is masked (:func:`firmsync.identity.cnp.mask`) as it is made, not by a filter
on our handlers: huey's consumer, gunicorn, pytest and an operator's own configuration add
handlers of their own, and a record reaches each of them as it left the logger. The record
factory is where every record of the process passes, whatever logger made it and whatever
handler writes it. Django's settings install it (``LOGGING_CONFIG``), as does the CLI.
"""

from __future__ import annotations

import logging
import logging.config
from typing import Any

from firmsync.identity import cnp

__all__ = ["configure", "mask_record", "mask_records"]


def mask_record(record: logging.LogRecord) -> logging.LogRecord:
    """``record`` with the CNPs masked in its rendered message, its traceback and its stack.

    A record holding none is left as it was (its ``msg`` and ``args`` too, for handlers that
    group records by them); one whose message cannot be rendered is left for its handler to
    report, as logging does.

    >>> record = logging.makeLogRecord({"msg": "refused %r", "args": ("1850304123457",)})
    >>> mask_record(record).getMessage()
    "refused '1***********7'"
    """
    try:
        message = record.getMessage()
    except Exception:
        return record
    masked = cnp.mask(message)
    if masked != message:
        record.msg, record.args = masked, ()
    if record.exc_info and record.exc_info[1] is not None and not record.exc_text:
        text = logging.Formatter().formatException(record.exc_info)
        masked = cnp.mask(text)
        if masked != text:
            record.exc_text = masked  # what a formatter prints instead of formatting its own
    if record.stack_info:
        record.stack_info = cnp.mask(record.stack_info)
    return record


def mask_records() -> None:
    """Make every new log record of this process a masked one (once, however often called)."""
    factory = logging.getLogRecordFactory()
    if getattr(factory, "masks_cnp", False):
        return

    def make(*args: Any, **kwargs: Any) -> logging.LogRecord:
        return mask_record(factory(*args, **kwargs))

    make.masks_cnp = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(make)


def configure(config: dict[str, Any]) -> None:
    """Django's ``LOGGING_CONFIG``: the ``LOGGING`` dictionary, and masked records."""
    logging.config.dictConfig(config)
    mask_records()
