"""CUI (cod unic de identificare), the Romanian fiscal code of a company.

Issued by ANAF (before 2003 as CIF); 2 to 10 digits, the last one a check digit. Users type
it with or without the ``RO`` prefix that VAT payers show, with spaces, with leading zeros.
The check digit is python-stdnum's (``stdnum.ro.cui.calc_check_digit``), computed here:
importing stdnum costs a command ~18 ms of start-up (it imports ``ssl`` and ``pydoc``) and
its function is three times slower in the import's hot loop (docs/registry.md has the
figures); ``tests/test_identity.py`` checks that ours agrees with stdnum's on every input.
This module adds what stdnum leaves to the caller: leading zeros, telling a personal numeric
code (CNP, 13 digits) apart from a company code, and an error ``code`` for every failure.

Remember the stdnum warning: rejecting a valid number is worse than accepting an invalid one.
For firmsync an invalid CUI on a card means "the user opted out", so be exact.

>>> validate('RO 18547290')
'18547290'
>>> validate('ro18547290')
'18547290'
>>> validate('0018547290')
'18547290'
>>> validate('18547291')
Traceback (most recent call last):
    ...
firmsync.identity.exceptions.InvalidChecksum: The check digit is wrong.
>>> validate('1850101410016')
Traceback (most recent call last):
    ...
firmsync.identity.exceptions.PersonalCode: This is a personal numeric code (CNP), ...
>>> format('18547290', vat=True)
'RO18547290'
>>> classify('1850101410016')
(None, 'personal_code')
>>> classify('18547291')
('18547291', 'wrong_check_digit')
"""

from __future__ import annotations

import functools
import re

from firmsync.identity import cnp
from firmsync.identity.exceptions import (
    EmptyValue,
    IdentityError,
    InvalidChecksum,
    InvalidLength,
    NotANumber,
    PersonalCode,
)

__all__ = ["classify", "compact", "format", "is_valid", "shown", "validate"]

_SEPARATORS = re.compile(r"[\s.\-/]+")
CNP_LENGTH = 13


def compact(value: str) -> str:
    """Strip spaces, separators, the ``RO`` prefix and leading zeros.

    >>> compact(' RO 000123 ')
    '123'
    >>> compact('0')
    ''
    """
    value = _SEPARATORS.sub("", value or "").upper()
    if value.startswith("RO"):
        value = value[2:]
    return value.lstrip("0")


def validate(value: str) -> str:
    """Return the canonical digits of a CUI, or raise an :class:`IdentityError`."""
    number = compact(value)
    if not number:
        raise EmptyValue()
    if not number.isdigit() or not number.isascii():
        raise NotANumber()
    if len(number) == CNP_LENGTH:
        raise PersonalCode()
    if len(number) < 2 or len(number) > 10:
        raise InvalidLength()
    if check_digit(number[:-1]) != number[-1]:
        raise InvalidChecksum()
    return number


def is_valid(value: str) -> bool:
    """Whether ``value`` is a valid CUI in any of the accepted spellings."""
    try:
        validate(value)
    except IdentityError:
        return False
    return True


def shown(value: str) -> str:
    """``value`` as it may appear in a message: a personal numeric code (CNP) masked by
    :func:`firmsync.identity.cnp.mask`, even spelled as a CUI may be (spaces, dots, ``RO``).

    >>> shown("1850101410016"), shown("RO 185.0101.410016"), shown("RO 18547290")
    ('1***********6', '1***********6', 'RO 18547290')
    """
    digits = compact(value)
    if len(digits) == CNP_LENGTH and digits.isdigit():
        return cnp.mask(digits)
    return cnp.mask(value.strip())


def format(value: str, *, vat: bool = False) -> str:
    """The canonical digits, prefixed with ``RO`` for a VAT payer."""
    number = validate(value)
    return f"RO{number}" if vat else number


def classify(raw: str) -> tuple[str | None, str | None]:
    """What a CUI column of an official file holds: ``(digits or None, issue or None)``.

    Used on millions of rows, so it returns instead of raising. A wrong check digit keeps
    the digits (old records carry such codes and are still real companies); a personal code
    (13 digits) or a truncated one (11-12 digits) is never returned: it is personal data.

    >>> classify('18547290')
    ('18547290', None)
    >>> classify('0')
    (None, 'empty')
    >>> classify('18547290123')
    (None, 'invalid_length')
    """
    number = raw.strip()
    if number.startswith(("RO", "ro", "0")) or not (number.isdigit() and number.isascii()):
        number = compact(number)
        if not number:
            return None, "empty"
        if not (number.isdigit() and number.isascii()):
            return None, "not_a_number"
    if len(number) > 10:
        return None, "personal_code" if len(number) == CNP_LENGTH else "invalid_length"
    if len(number) < 2:
        return None, "invalid_length"
    if _check_digit_by_tables(number[:-1]) != number[-1]:
        return number, "wrong_check_digit"
    return number, None


# The check digit is 10 × (digits · weights) mod 11 mod 10, the digits left-padded to nine.
_WEIGHTS = (7, 5, 3, 2, 1, 7, 5, 3, 2)
_DIGITS = "0123456789"


def check_digit(body: str) -> str:
    """The check digit for the digits before it, as ``stdnum.ro.cui.calc_check_digit``.

    >>> check_digit('1854729')
    '0'
    """
    total = sum(int(d) * w for d, w in zip(body.zfill(9), _WEIGHTS, strict=True))
    return _DIGITS[10 * total % 11 % 10]


@functools.cache
def _tables() -> tuple[list[int], list[int]]:
    """The weighted sums of every five-digit head and four-digit tail of a nine-digit body:
    two lookups instead of nine products, for :func:`classify`'s millions of rows. Built on
    first use (about a quarter of a second), never at import."""
    head, tail = _WEIGHTS[:5], _WEIGHTS[5:]
    high = [sum(int(d) * w for d, w in zip(f"{n:05d}", head, strict=True)) for n in range(10**5)]
    low = [sum(int(d) * w for d, w in zip(f"{n:04d}", tail, strict=True)) for n in range(10**4)]
    return high, low


def _check_digit_by_tables(body: str) -> str:
    body = body.zfill(9)
    high, low = _tables()
    return _DIGITS[10 * (high[int(body[:5])] + low[int(body[5:])]) % 11 % 10]
