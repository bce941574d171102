"""Noisy spellings of company names, as users type them into a CRM.

The evaluation of name matching (and the labelled pairs its calibration is fitted on) needs
queries whose right answer is known: a registered name, spelled the way people spell it. Each
kind of noise here is one the reference or CRM data shows: typos, the legal form dropped or
added, the ``S.C.`` prefix, no diacritics, cedilla letters, the usual abbreviations, words
swapped, a city added, the name cut short.

Deterministic: the same ``random.Random`` state gives the same spellings.

>>> import random
>>> noisy('CONSTRUCȚII MONTAJ SRL', 'no_diacritics', random.Random(1))
'CONSTRUCTII MONTAJ SRL'
>>> noisy('ALFA IMPORT EXPORT SRL', 'abbreviation', random.Random(1))
'ALFA IMPEX SRL'
>>> noisy('ALFA BETA SRL', 'sc_prefix', random.Random(1))
'S.C. ALFA BETA S.R.L.'
"""

from __future__ import annotations

import random
import re

from firmsync.identity import names
from firmsync.identity.text import fold

__all__ = ["KINDS", "noisy"]

KINDS = (
    "typo",
    "drop_legal_form",
    "add_legal_form",
    "sc_prefix",
    "no_diacritics",
    "cedilla",
    "abbreviation",
    "swap_words",
    "add_city",
    "truncate",
)

# Long form → the abbreviations Romanian company names use for it.
_ABBREVIATIONS = (
    ("IMPORT EXPORT", "IMPEX"),
    ("CONSTRUCTII", "CONSTR"),
    ("CONSTRUCȚII", "CONSTR"),
    ("CONSTRUCT", "CONSTR"),
    ("COMERT", "COM"),
    ("COMERȚ", "COM"),
    ("COMPANY", "COM"),
    ("PRODUCTIE", "PROD"),
    ("PRODUCȚIE", "PROD"),
    ("PRODUCT", "PROD"),
    ("DISTRIBUTION", "DISTRIB"),
    ("INTERNATIONAL", "INTL"),
    ("SERVICII", "SERV"),
    ("SERVICE", "SERV"),
    ("TRANSPORT", "TRANS"),
)
_CITIES = ("BUCURESTI", "CLUJ", "IASI", "TIMISOARA", "CONSTANTA", "BRASOV", "CRAIOVA", "ARAD")
_CEDILLA = str.maketrans("șțȘȚ", "şţŞŢ")
_FORMS = ("SRL", "S.R.L.", "SA", "S.A.", "PFA", "II")
_DOTTED = {"SRL": "S.R.L.", "SA": "S.A.", "SNC": "S.N.C.", "PFA": "P.F.A."}
_KEYBOARD_NEIGHBOURS = {
    "A": "SQ",
    "E": "WR",
    "I": "UO",
    "O": "IP",
    "U": "YI",
    "N": "BM",
    "M": "N",
    "R": "ET",
    "T": "RY",
    "S": "AD",
    "C": "XV",
    "L": "K",
    "P": "O",
    "D": "SF",
}


def _typo(name: str, rng: random.Random) -> str:
    letters = [i for i, c in enumerate(name) if c.isalpha()]
    if len(letters) < 4:
        return name
    i = rng.choice(letters[1:])
    action = rng.randrange(4)
    if action == 0:  # a letter dropped
        return name[:i] + name[i + 1 :]
    if action == 1:  # a letter doubled
        return name[:i] + name[i] + name[i:]
    if action == 2 and i + 1 < len(name) and name[i + 1].isalpha() and name[i + 1] != name[i]:
        # two letters swapped
        return name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    near = _KEYBOARD_NEIGHBOURS.get(fold(name[i]), "E")  # a neighbouring key
    return name[:i] + rng.choice(near) + name[i + 1 :]


def _without_form(name: str) -> tuple[str, str | None]:
    parsed = names.normalise(name)
    if not parsed.legal_form:
        return name, None
    words = name.split()
    for n in range(len(words) - 1, 0, -1):
        if names.normalise(" ".join(words[:n])).core == parsed.core:
            return " ".join(words[:n]), parsed.legal_form
    return name, parsed.legal_form


def noisy(name: str, kind: str, rng: random.Random) -> str:
    """``name`` spelled with one kind of noise (one of :data:`KINDS`)."""
    if kind == "typo":
        return _typo(name, rng)
    if kind == "drop_legal_form":
        return _without_form(name)[0]
    if kind == "add_legal_form":
        core, form = _without_form(name)
        return f"{core} {rng.choice(_FORMS) if form is None else _DOTTED.get(form, form)}"
    if kind == "sc_prefix":
        core, form = _without_form(name)
        return f"S.C. {core} {_DOTTED.get(form or 'SRL', form or 'SRL')}"
    if kind == "no_diacritics":
        return "".join(c if c.isascii() else fold(c) for c in name)
    if kind == "cedilla":
        return name.translate(_CEDILLA)
    if kind == "abbreviation":
        for long, short in _ABBREVIATIONS:
            if re.search(rf"\b{long}\b", name):
                return re.sub(rf"\b{long}\b", short, name, count=1)
        return name
    if kind == "swap_words":
        core, form = _without_form(name)
        words = core.split()
        if len(words) > 1:
            i = rng.randrange(len(words) - 1)
            words[i], words[i + 1] = words[i + 1], words[i]
        return " ".join(words + ([form] if form else []))
    if kind == "add_city":
        core, form = _without_form(name)
        return " ".join([core, rng.choice(_CITIES), *([form] if form else [])])
    if kind == "truncate":
        # Cut short as a full form field or a hurried user cuts it: the legal form gone and
        # the end of the name missing, often mid-word, most of it kept. A name cut down to
        # one shared word (POPESCU for POPESCU ION-MARIAN) identifies no company at all.
        core, _ = _without_form(name)
        keep = rng.randint(max(4, -(-len(core) * 6 // 10)), max(4, len(core) - 1))
        return core[:keep].rstrip(" -&")
    raise ValueError(f"unknown kind of noise: {kind!r}")
