"""Other ways to cut a typed name into words, taken from the register's own words.

People glue words together (``tavcosconstructsrl``, ``SERVICE AUTOVIV`` for ``SERVICE AUTO
VIV``) and pull them apart (``I.Q. PLUS`` for ``I.Q.PLUS``, ``HARGITA HOLDING`` for
``HARGITAHOLDING``). The name index finds names by their words, so such a spelling shares
no word with the registered name. A variant is searched beside the name as typed: a word
the register does not know, cut into words it knows; two neighbouring words joined, when
the register knows the joined word.

>>> known = {'TAVCOS', 'CONSTRUCT', 'IQPLUS', 'PLUS', 'AUTO', 'VIV', 'SERVICE'}.__contains__
>>> variants('TAVCOSCONSTRUCT', known)
['TAVCOS CONSTRUCT']
>>> variants('IQ PLUS', known), variants('SERVICE AUTOVIV', known)
(['IQPLUS'], ['SERVICE AUTO VIV'])
>>> variants('ALFA BETA', known)
[]
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["MOST", "variants"]

MOST = 2  # variants searched beside the name as typed
_PART = 3  # the shortest word a glued word is cut into (shorter ones are in every name)
_GLUED = 6  # the shortest unknown word worth cutting


def variants(key: str, known: Callable[[str], bool]) -> list[str]:
    """Up to :data:`MOST` other readings of the normalised name ``key``: glued words cut
    (each unknown word into the fewest known words), then neighbours joined."""
    words = key.split()
    found: list[str] = []
    cut = [_cut(w, known) if len(w) >= _GLUED and not known(w) else [w] for w in words]
    if any(len(parts) > 1 for parts in cut):
        found.append(" ".join(part for parts in cut for part in parts))
    for i in range(len(words) - 1):
        joined = words[i] + words[i + 1]
        if known(joined):
            found.append(" ".join([*words[:i], joined, *words[i + 2 :]]))
    return list(dict.fromkeys(found))[:MOST]


def _cut(word: str, known: Callable[[str], bool]) -> list[str]:
    """``word`` as the fewest known words (two or three), or as it is.

    >>> _cut('ALFABETAGAMA', {'ALFA', 'BETA', 'GAMA', 'ALFABE'}.__contains__)
    ['ALFA', 'BETA', 'GAMA']
    """
    n = len(word)
    for i in range(_PART, n - _PART + 1):
        if known(word[:i]) and known(word[i:]):
            return [word[:i], word[i:]]
    for i in range(_PART, n - 2 * _PART + 1):
        if not known(word[:i]):
            continue
        for j in range(i + _PART, n - _PART + 1):
            if known(word[i:j]) and known(word[j:]):
                return [word[:i], word[i:j], word[j:]]
    return [word]
