"""Romanian diacritics: one stored form, one folded form.

The official files mix cedilla letters (ş ţ, U+015F/U+0163, from old code pages) with the
correct comma-below letters (ș ț, U+0219/U+021B). firmsync stores text in Unicode NFC with
comma-below letters, and compares text folded: no diacritics, upper case.

>>> to_comma_below('Bucureşti Sectorul 6')
'București Sectorul 6'
>>> fold('Şoseaua Ştefan cel Mare, Târgu-Jiu, Brașov')
'SOSEAUA STEFAN CEL MARE, TARGU-JIU, BRASOV'
"""

from __future__ import annotations

import unicodedata

__all__ = ["fold", "to_comma_below"]

# The Romanian letters folded by a table (fast path); anything else goes through NFKD.
_FOLD = str.maketrans(
    "ăâîșțşţĂÂÎȘȚŞŢ",
    "aaiststAAISTST",
)


def to_comma_below(value: str) -> str:
    """NFC text with comma-below ș ț instead of cedilla ş ţ."""
    if value.isascii():
        return value
    if not unicodedata.is_normalized("NFC", value):
        value = unicodedata.normalize("NFC", value)
    # Four str.replace calls beat one str.translate on long lines (this runs on every row of
    # an import).
    if "ş" in value or "ţ" in value or "Ş" in value or "Ţ" in value:
        value = value.replace("ş", "ș").replace("ţ", "ț").replace("Ş", "Ș").replace("Ţ", "Ț")
    return value


def fold(value: str) -> str:
    """Upper-case text without diacritics, for comparing and indexing."""
    if not value.isascii():
        value = value.translate(_FOLD)
        if not value.isascii():
            value = "".join(
                c for c in unicodedata.normalize("NFKD", value) if not unicodedata.combining(c)
            )
    return value.upper()
