"""CNP (cod numeric personal), the Romanian personal numeric code.

Every person born in or living in Romania has one: 13 digits for sex and century, birth date,
county, a serial and a check digit (https://ro.wikipedia.org/wiki/Cod_numeric_personal).
firmsync never needs one, yet meets them: sole traders filed with a CNP in the register's CUI
column, a user typing one where a CUI belongs. It is personal data, so :func:`mask` hides it
in every excerpt, log line, report and error message firmsync writes; it is the one masking
function, and the test suite fails if any of its output carries a valid CNP.

The rules (check digit, birth date, county) are python-stdnum's ``stdnum.ro.cnp``, imported
on first :func:`validate`: :func:`mask` runs on every log record and every error message,
and must not make every command pay for importing stdnum (see :mod:`.cui`).

>>> validate('1850304123457')
'1850304123457'
>>> validate('185 0304 123458')
Traceback (most recent call last):
    ...
firmsync.identity.exceptions.InvalidChecksum: The check digit is wrong.
>>> validate('1853204123457')
Traceback (most recent call last):
    ...
firmsync.identity.exceptions.InvalidComponent: A part of the value is not valid.
>>> mask('POPESCU ION PFA^1850304123457^F40/100/2010')
'POPESCU ION PFA^1***********7^F40/100/2010'
>>> find('CUI 1850304123457, or else 1850304123458')
['1850304123457']
"""

from __future__ import annotations

import re

from firmsync.identity.exceptions import (
    EmptyValue,
    IdentityError,
    InvalidChecksum,
    InvalidComponent,
    InvalidLength,
    NotANumber,
)

__all__ = ["compact", "find", "is_valid", "mask", "validate"]

LENGTH = 13

# Thirteen digits standing alone, the first not 0 (no CNP starts with it; a phone number in
# the 0040… form does), after an optional ``RO`` since a CNP typed into a CUI box may carry
# the VAT prefix. Not after another letter or digit: the 14-character register number
# (J2012000750528) and EUIDs hold thirteen digits after their letter and are public. Any
# letter may follow: a CNP glued to the next word is still one.
_STANDING_ALONE = re.compile(r"(?<![0-9A-Za-z])((?:RO|ro|Ro|rO)?)([1-9][0-9]{12})(?![0-9])")


def compact(value: str) -> str:
    """Strip spaces and dashes, as ``stdnum.ro.cnp.compact`` does.

    >>> compact(' 185-0304 123457 ')
    '1850304123457'
    """
    return "".join((value or "").split()).replace("-", "")


def validate(value: str) -> str:
    """The 13 digits of a valid CNP, or an :class:`IdentityError` saying what is wrong."""
    number = compact(value)
    if not number:
        raise EmptyValue()
    from stdnum import exceptions as stdnum_errors
    from stdnum.ro import cnp as stdnum_cnp

    try:
        return stdnum_cnp.validate(number)
    except stdnum_errors.ValidationError as error:
        raise _ERRORS.get(type(error).__name__, InvalidComponent)() from error


_ERRORS: dict[str, type[IdentityError]] = {
    "InvalidChecksum": InvalidChecksum,
    "InvalidLength": InvalidLength,
    "InvalidComponent": InvalidComponent,
    "InvalidFormat": NotANumber,
}


def is_valid(value: str) -> bool:
    """Whether ``value`` is a valid CNP (spaces and dashes allowed).

    >>> is_valid('1850304123457'), is_valid('1850304123458'), is_valid('18547290')
    (True, False, False)
    """
    try:
        validate(value)
    except IdentityError:
        return False
    return True


def _masked(found: re.Match[str]) -> str:
    digits = found.group(2)
    return f"{found.group(1)}{digits[0]}{'*' * (LENGTH - 2)}{digits[-1]}"


def mask(text: str) -> str:
    """``text`` with every 13-digit number standing alone masked, valid CNP or not.

    Every such number, not only valid CNPs: a CNP with a typo is still a person's, and no
    company code has 13 digits. Only the first digit (sex and century) and the check digit
    stay, never the birth date or county the middle digits give away, which a report
    would otherwise print next to the sole trader's name. Masking twice changes nothing.

    >>> mask('RO1850304123457 is a personal code, not a CUI')
    'RO1***********7 is a personal code, not a CUI'
    >>> mask('J2012000750528, 18547290, 0040721234567, 12345678901234')
    'J2012000750528, 18547290, 0040721234567, 12345678901234'
    >>> mask(mask('1850304123457')) == mask('1850304123457')
    True
    """
    return _STANDING_ALONE.sub(_masked, text)


def find(text: str) -> list[str]:
    """The valid CNPs that :func:`mask` would hide in ``text``, in order: what the test suite
    looks for in everything firmsync writes."""
    return [m.group(2) for m in _STANDING_ALONE.finditer(text) if is_valid(m.group(2))]
