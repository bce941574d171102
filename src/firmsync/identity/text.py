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

_CEDILLA_TO_COMMA = str.maketrans("şţŞŢ", "șțȘȚ")
# The Romanian letters folded by a table (fast path); anything else goes through NFKD.
_FOLD = str.maketrans(
    "ăâîșțşţĂÂÎȘȚŞŢ",
    "aaiststAAISTST",
)


def to_comma_below(value: str) -> str:
    """NFC text with comma-below ș ț instead of cedilla ş ţ."""
    if value.isascii():
        return value
    return unicodedata.normalize("NFC", value).translate(_CEDILLA_TO_COMMA)


def fold(value: str) -> str:
    """Upper-case text without diacritics, for comparing and indexing."""
    if not value.isascii():
        value = value.translate(_FOLD)
        if not value.isascii():
            value = "".join(
                c for c in unicodedata.normalize("NFKD", value) if not unicodedata.combining(c)
            )
    return value.upper()
