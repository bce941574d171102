"""The trade-register number (număr de ordine în registrul comerțului, ONRC).

Two forms are valid side by side (python-stdnum ``stdnum.ro.onrc`` checks both):

- old, up to 2024: ``J40/630/1992`` — letter, county code, serial, year (a full date in
  place of the year, ``J52/750/22.11.2012``, compacts to the year);
- new, since 2024-07-26: ``J2012000750528`` — letter, year, 6-digit serial, county
  (``00`` from 2025), check digit.

The letter is ``J`` for legal entities, ``F`` for sole traders (PFA, II, IF), ``C`` for
cooperatives.

>>> validate('J40/630/1992')
'J40/630/1992'
>>> validate('j 40-630-1992')
'J40/630/1992'
>>> parse('J2012000750528')
RegisterNumber(letter='J', county=52, serial=750, year=2012, new_format=True)
>>> parse('J52/750/22.11.2012').year
2012
>>> validate('J2012000750529')
Traceback (most recent call last):
    ...
firmsync.identity.exceptions.InvalidChecksum: The check digit is wrong.
"""

from __future__ import annotations

from typing import NamedTuple

from stdnum import exceptions as _stdnum_errors
from stdnum.ro import onrc as _stdnum_onrc

from firmsync.identity.exceptions import (
    EmptyValue,
    IdentityError,
    InvalidChecksum,
    InvalidComponent,
    InvalidLength,
    NotANumber,
)

__all__ = ["RegisterNumber", "compact", "format", "is_valid", "parse", "validate"]


class RegisterNumber(NamedTuple):
    letter: str
    county: int
    serial: int
    year: int
    new_format: bool


_ERRORS: dict[type[Exception], type[IdentityError]] = {
    _stdnum_errors.InvalidChecksum: InvalidChecksum,
    _stdnum_errors.InvalidLength: InvalidLength,
    _stdnum_errors.InvalidComponent: InvalidComponent,
    _stdnum_errors.InvalidFormat: NotANumber,
}


def compact(value: str) -> str:
    """Upper case, separators as ``/``, a trailing full date shortened to its year."""
    return _stdnum_onrc.compact(value or "")


def validate(value: str) -> str:
    """The compact register number, or an :class:`IdentityError` saying what is wrong."""
    if not (value or "").strip():
        raise EmptyValue()
    try:
        return _stdnum_onrc.validate(value)
    except _stdnum_errors.ValidationError as error:
        raise _ERRORS.get(type(error), InvalidComponent)() from error


def is_valid(value: str) -> bool:
    try:
        validate(value)
    except IdentityError:
        return False
    return True


def format(value: str) -> str:
    return validate(value)


def parse(value: str) -> RegisterNumber:
    """The parts of a valid register number."""
    number = validate(value)
    if "/" in number:
        county, serial, year = number[1:].split("/")
        return RegisterNumber(number[0], int(county), int(serial), int(year), False)
    return RegisterNumber(number[0], int(number[11:13]), int(number[5:11]), int(number[1:5]), True)


def year(value: str) -> int | None:
    """The registration year a register number carries, or ``None`` when it is not valid.

    >>> year('J2025001234000') is None  # wrong check digit
    True
    >>> year('F12/34/2003')
    2003
    """
    try:
        return parse(value).year
    except IdentityError:
        return None
