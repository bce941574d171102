"""When two addresses are the same address, however they are written.

A key for comparing: folded text, punctuation and the words that only say what a part is
(``STR.``, ``NR.``, ``BL.``, ``MUN.`` …) dropped, the remaining words as a sorted set — so
an address with its postal code moved into another field, or its parts abbreviated
differently, has the same key.

>>> one = key(street='Str. Elena Doamna', number='20-22', locality='Iaşi', postal_code='700398')
>>> one
'20 22 700398 DOAMNA ELENA IASI'
>>> key(street='ELENA DOAMNA', number='nr. 20-22', locality='Iași', details='700398') == one
True
>>> key(street='B-dul Unirii 7') == key(street='Bulevardul Unirii', number='7')
True
"""

from __future__ import annotations

import re

from firmsync.identity.text import fold

__all__ = ["PARTS", "key"]

# The parts of an address, as the register, CompanyFacts and the CRM name them.
PARTS = (
    "country",
    "county",
    "locality",
    "sector",
    "street",
    "number",
    "block",
    "staircase",
    "floor",
    "apartment",
    "postal_code",
    "details",
)

_NOISE = frozenset(
    # what a part is
    "NR NUMAR NUMARUL BL BLOC SC SCARA ET ETAJ AP APARTAMENT MUN MUNICIPIUL JUD JUDET "
    "JUDETUL ORAS ORASUL COM COMUNA SAT SATUL CP COD POSTAL ROMANIA RO "
    # the kind of street, abbreviated every way (B-DUL splits into B and DUL)
    "STR STRADA BD BLD BLVD BULEVARD BULEVARDUL B DUL SOS SOSEAUA CALEA AL ALEEA PTA PIATA "
    "SPL SPLAIUL INTR INTRAREA".split()
)
_WORD = re.compile(r"[A-Z0-9]+")


def key(**parts: str | None) -> str:
    """The comparison key of an address given as named parts (any parts, any names)."""
    words = {
        word
        for value in parts.values()
        if value
        for word in _WORD.findall(fold(value))
        if word not in _NOISE
    }
    return " ".join(sorted(words))
