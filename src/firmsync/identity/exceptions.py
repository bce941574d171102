"""Errors raised by the identity functions.

Every error is a ``ValueError`` carrying a stable ``code`` that the CLI, the API and import
reports can show::

    IdentityError (ValueError)
    ├── EmptyValue          code "empty"
    ├── NotANumber          code "not_a_number"
    ├── InvalidLength       code "invalid_length"
    ├── InvalidChecksum     code "wrong_check_digit"
    ├── PersonalCode        code "personal_code"   (a CNP where a company code belongs)
    └── InvalidComponent    code "invalid_component"
"""

from __future__ import annotations


class IdentityError(ValueError):
    """Base class: the value is not a valid identifier."""

    code = "invalid"
    message = "The value is not valid."

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.message)


class EmptyValue(IdentityError):
    code = "empty"
    message = "The value is empty."


class NotANumber(IdentityError):
    code = "not_a_number"
    message = "The value is not a number."


class InvalidLength(IdentityError):
    code = "invalid_length"
    message = "The value has an invalid length."


class InvalidChecksum(IdentityError):
    code = "wrong_check_digit"
    message = "The check digit is wrong."


class PersonalCode(IdentityError):
    code = "personal_code"
    message = "This is a personal numeric code (CNP), not a company fiscal code."


class InvalidComponent(IdentityError):
    code = "invalid_component"
    message = "A part of the value is not valid."
