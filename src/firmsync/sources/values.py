"""Reading the values providers publish: blanks, dates, codes that lost their zeros.

>>> text(' '), text('Bucureşti ')
(None, 'București')
>>> iso_date('2024-01-13'), iso_date('01.01.2024'), iso_date('25 Februarie 2015'), iso_date('x')
('2024-01-13', '2024-01-01', '2015-02-25', None)
>>> caen_code('610'), caen_code(4690), caen_code(''), caen_code('62.01')
('0610', '4690', None, '6201')
>>> postal_code('12345'), postal_code(' '), postal_code(700398)
('012345', None, '700398')
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from firmsync.identity.text import fold, to_comma_below
from firmsync.registry import onrc

__all__ = ["caen_code", "caen_title", "iso_date", "postal_code", "text"]

_MONTHS = {
    name: number
    for number, name in enumerate(
        (
            "IANUARIE",
            "FEBRUARIE",
            "MARTIE",
            "APRILIE",
            "MAI",
            "IUNIE",
            "IULIE",
            "AUGUST",
            "SEPTEMBRIE",
            "OCTOMBRIE",
            "NOIEMBRIE",
            "DECEMBRIE",
        ),
        start=1,
    )
}
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_DOTTED = re.compile(r"(\d{1,2})[./](\d{1,2})[./](\d{4})")
_WORDS = re.compile(r"(\d{1,2})\s+([A-Za-zăâîșțşţĂÂÎȘȚŞŢ]+)\s+(\d{4})")


def text(value: Any) -> str | None:
    """Published text in NFC with comma-below ș ț, trimmed; ``None`` for ``""``, ``" "``,
    ``{}`` and ``None`` (how providers say "no value")."""
    if value is None or isinstance(value, dict | list):
        return None
    cleaned = to_comma_below(str(value)).strip()
    return cleaned or None


def iso_date(value: Any) -> str | None:
    """``YYYY-MM-DD`` from ISO, ``DD.MM.YYYY`` or ``DD Month YYYY`` (Romanian month names),
    found anywhere in the value; ``None`` when there is no valid date."""
    raw = text(value)
    if raw is None:
        return None
    if match := _ISO.search(raw):
        year, month, day = (int(g) for g in match.groups())
    elif match := _DOTTED.search(raw):
        day, month, year = (int(g) for g in match.groups())
    elif (match := _WORDS.search(raw)) and fold(match.group(2)) in _MONTHS:
        day, year = int(match.group(1)), int(match.group(3))
        month = _MONTHS[fold(match.group(2))]
    else:
        return None
    try:
        return datetime.date(year, month, day).isoformat()
    except ValueError:
        return None


def caen_code(value: Any) -> str | None:
    """A 4-digit CAEN class with lost leading zeros restored (ANAF sends ``610`` for ``0610``)."""
    import caen_romania  # (its tables load on import: only commands that read CAEN pay)

    if isinstance(value, str) and value.strip().isdigit():
        value = value.strip().zfill(4)
    code = caen_romania.normalize_code(value) if value not in (None, "", " ") else None
    return code if code and code.isdigit() and len(code) == 4 else None


def caen_title(code: str, revision: int = 2) -> str | None:
    """The official title of a CAEN class, from the INS tables that caen-romania ships: ANAF
    gives codes without titles, and an ANAF-only lookup has no register to read N_CAEN from."""
    import caen_romania

    found = caen_romania.title(code, rev=revision)
    return to_comma_below(found) if found else None


def postal_code(value: Any) -> str | None:
    """Six digits, a lost leading zero restored (Bucharest's codes start with 0), read as the
    register's are; ``None`` for no value (and numbers, as ANAF sometimes sends them)."""
    raw = text(value)
    return onrc.postal_code(raw) if raw is not None else None
