"""Which column of a user's table fills which field of a card.

Guessed from the header, in Romanian or English, whatever the case, diacritics and
punctuation (``Nume firmă``, ``NUME FIRMA``, ``nume_firma`` are one name), from the words
other CRMs and Excel lists use; the user may override it (``--map field=Column`` on the
command line, a dict on the web). Only the fields a user types are filled from a list: the
synchronised ones come from official data.

>>> guess_mapping(["Nr.", "Denumire", "Cod fiscal", "Județ", "Oraș"])
{'name': 'Denumire', 'cui_input': 'Cod fiscal', 'county': 'Județ', 'locality': 'Oraș'}
>>> guess_mapping(["Company", "VAT", "E-mail", "Legal name"])
{'name': 'Company', 'cui_input': 'VAT', 'email': 'E-mail'}
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping, Sequence

from firmsync.crm.errors import Invalid
from firmsync.crm.services import CONTACT
from firmsync.identity.text import fold

__all__ = ["FIELDS", "check_mapping", "guess_mapping", "mapping_with"]

FIELDS = CONTACT

# The headers each field goes by, written plainly: compared folded, letters and digits only.
_HEADERS = {
    "name": (
        "denumire; denumirea; denumire firma; denumire client; denumire societate; nume; "
        "nume firma; nume client; nume societate; firma; firma client; societate; societatea; "
        "companie; compania; client; clientul; company; company name; name; business name; "
        "organization; organisation; account name"
    ),
    "cui_input": (
        "cui; cif; cod fiscal; cod unic de identificare; cod de identificare fiscala; "
        "cod identificare fiscala; cui cif; cif cui; cod fiscal cui; cui cod fiscal; cod tva; "
        "vat; vat number; vat no; vat id; tax id; tax number; tax code; fiscal code"
    ),
    "country": "tara; country; country code; cod tara",
    "county": "judet; judetul; jud; county; judet sector",
    "locality": (
        "localitate; localitatea; oras; orasul; oras localitate; localitate oras; municipiu; "
        "city; town; locality"
    ),
    "phone": (
        "telefon; tel; nr telefon; numar telefon; numar de telefon; telefon fix; telefon mobil; "
        "mobil; phone; phone number; telephone; mobile"
    ),
    "email": "email; e mail; adresa email; adresa de email; mail; email address",
    "website": "website; site; site web; web; pagina web; web site; url; homepage",
    "notes": (
        "observatii; observatie; note; notes; notite; mentiuni; comentarii; comentariu; "
        "comments; remarks"
    ),
}
_NOT_WORD = re.compile(r"[^A-Z0-9]+")


def _key(header: str) -> str:
    """``'Nume firmă'`` → ``'NUMEFIRMA'``: how headers are compared."""
    return _NOT_WORD.sub("", fold(header))


@functools.cache
def _fields_by_key() -> dict[str, str]:
    return {
        _key(header): field for field, headers in _HEADERS.items() for header in headers.split(";")
    }


def guess_mapping(header: Sequence[str]) -> dict[str, str]:
    """``{field: column}`` for the columns whose names say a card field; the leftmost
    column wins when two say the same field."""
    known = _fields_by_key()
    mapping: dict[str, str] = {}
    for column in header:
        field = known.get(_key(column))
        if field is not None and field not in mapping:
            mapping[field] = column
    return dict(sorted(mapping.items(), key=lambda item: FIELDS.index(item[0])))


def _column(header: Sequence[str], typed: str) -> str:
    """The header's column a user named, exactly or (when that is unambiguous) folded."""
    if typed in header:
        return typed
    folded = [column for column in header if _key(column) == _key(typed)]
    if len(folded) == 1:
        return folded[0]
    raise Invalid("mapping", f"no column {typed!r} in the file (its columns: {_listed(header)})")


def mapping_with(header: Sequence[str], overrides: Iterable[tuple[str, str]]) -> dict[str, str]:
    """The guessed mapping with the user's ``(field, column)`` pairs over it; an empty
    column leaves the field out. Checked (:func:`check_mapping`)."""
    mapping = guess_mapping(header)
    seen: dict[str, str] = {}
    for field, column in overrides:
        if field in seen:
            raise Invalid("mapping", f"{field} is mapped twice ({seen[field]!r}, {column!r})")
        seen[field] = column
        _check_field(field)
        if column.strip():
            mapping[field] = _column(header, column.strip())
        else:
            mapping.pop(field, None)
    check_mapping(header, mapping)
    return dict(sorted(mapping.items(), key=lambda item: FIELDS.index(item[0])))


def check_mapping(header: Sequence[str], mapping: Mapping[str, str]) -> None:
    """Refuse a mapping without ``name``, with a field a list cannot fill, a column the
    file lacks, or a column feeding two fields."""
    fed: dict[str, str] = {}
    for field, column in mapping.items():
        _check_field(field)
        if column not in header:
            raise Invalid(
                "mapping", f"no column {column!r} in the file (its columns: {_listed(header)})"
            )
        if column in fed:
            raise Invalid("mapping", f"column {column!r} is mapped to {fed[column]} and {field}")
        fed[column] = field
    if "name" not in mapping:
        raise Invalid(
            "mapping",
            "no column for the card's name: say which one holds it (name=Column; "
            f"the file's columns: {_listed(header)})",
        )


def _check_field(field: str) -> None:
    if field not in FIELDS:
        raise Invalid(
            "mapping", f"{field!r} is not a field a list fills (one of {_listed(FIELDS)})"
        )


def _listed(names: Sequence[str]) -> str:
    shown = ", ".join(names[:15])
    return shown + (f" and {len(names) - 15} more" if len(names) > 15 else "")
