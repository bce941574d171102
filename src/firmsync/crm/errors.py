"""What the services refuse, as one tree the CLI, the API and the web map in one place each.

::

    ServiceError
    ├── Invalid (ValueError)        bad input; ``field`` names it  → CLI exit 2, API 422
    ├── NotFound (LookupError)      no such account or card        → CLI exit 1, API 404
    ├── Conflict                    it exists already              → CLI exit 1, API 409
    ├── Forbidden (PermissionError) not this user, plan or field   → CLI exit 2, API 403
    └── Unavailable                 a provider out of reach        → CLI exit 3, API 503

>>> str(Invalid("cui_input", "the check digit is wrong"))
'cui_input: the check digit is wrong'

A refusal may quote what the user typed, but never a personal code (CNP): ``Invalid`` masks
its message (:func:`firmsync.identity.cnp.mask`), for every surface that shows it.

>>> Invalid("cui_input", "1850304123457 is a personal code").message
'1***********7 is a personal code'
"""

from __future__ import annotations

from firmsync.identity import cnp

__all__ = ["Conflict", "Forbidden", "Invalid", "NotFound", "ServiceError", "Unavailable"]


class ServiceError(Exception):
    """A request a service refuses; its message is meant for the user."""


class Invalid(ServiceError, ValueError):
    """Bad input for ``field``."""

    def __init__(self, field: str, message: str) -> None:
        message = cnp.mask(message)
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class NotFound(ServiceError, LookupError):
    """No such account, card or company (within what the caller may see)."""


class Conflict(ServiceError):
    """The thing to create exists already."""


class Forbidden(ServiceError, PermissionError):
    """Not allowed: this user, this plan, or a locked field."""


class Unavailable(ServiceError):
    """A provider the service needs did not answer, or failed to deliver (the data portal is
    down, a download stayed short): nothing was changed; try again later."""
