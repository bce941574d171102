"""Company names reduced to what identifies them, for matching.

Order of operations (onrc-open-data.md §10): fold diacritics and case; collapse dotted
abbreviations (``S.R.L.`` → ``SRL``) *before* removing punctuation; cut status suffixes
(``- IN INSOLVENTA``) and a leading ``S.C.``; punctuation to spaces; split off the legal form,
longest first. The result keeps the legal form and the status apart from the core name,
because a legal-form mismatch is evidence against a match and a status is a signal.

>>> normalise('S.C. "Lemnlind" S.R.L.')
Name(core='LEMNLIND', legal_form='SRL', status=None)
>>> normalise('CONSTRUCŢII ŞI INSTALAŢII SRL - IN INSOLVENTA')
Name(core='CONSTRUCTII SI INSTALATII', legal_form='SRL', status='insolvency')
>>> normalise('Popescu Ion Persoană Fizică Autorizată')
Name(core='POPESCU ION', legal_form='PFA', status=None)
>>> normalise('ALFA-BETA S.R.L.-D.')
Name(core='ALFA BETA', legal_form='SRL-D', status=None)
>>> normalise('SC ABC SA (IN LICHIDARE)')
Name(core='ABC', legal_form='SA', status='liquidation')
>>> normalise('SC')
Name(core='SC', legal_form=None, status=None)

Public procurement (SEAP) adds its own ``S.C.`` and a second legal form; the first form
written is the company's own. A form glued to the name (``…CONSTRUCTSRL``) is split off,
and forms written out at the start are forms too:

>>> normalise('S.C. SC AMS MEDICAL CONSULTING SRL S.R.L.')
Name(core='AMS MEDICAL CONSULTING', legal_form='SRL', status=None)
>>> normalise('S.C. VODAFONE ROMANIA S.A. S.R.L.')
Name(core='VODAFONE ROMANIA', legal_form='SA', status=None)
>>> normalise('S.M.B. S.R.L.')
Name(core='SMB', legal_form='SRL', status=None)
>>> normalise('tavcosconstructsrl')
Name(core='TAVCOSCONSTRUCT', legal_form='SRL', status=None)
>>> normalise('REGIA AUTONOMĂ MONITORUL OFICIAL')
Name(core='MONITORUL OFICIAL', legal_form='RA', status=None)
>>> normalise('COOP GALAȚI SOCIETATE COOPERATIVĂ')
Name(core='COOP GALATI', legal_form='COOP', status=None)
"""

from __future__ import annotations

import re
from typing import NamedTuple

from firmsync.identity.text import fold

__all__ = ["LEGAL_FORMS", "SPELLED_FORMS", "Name", "key", "normalise"]


class Name(NamedTuple):
    core: str
    legal_form: str | None
    status: str | None


# Token sequences that spell a legal form, longest first, with the code they stand for.
_SPELLED: tuple[tuple[str, str], ...] = (
    ("SOCIETATE COMERCIALA CU RASPUNDERE LIMITATA", "SRL"),
    ("SOCIETATEA COMERCIALA CU RASPUNDERE LIMITATA", "SRL"),
    ("SOCIETATE CU RASPUNDERE LIMITATA DEBUTANT", "SRL-D"),
    ("SOCIETATE CU RASPUNDERE LIMITATA", "SRL"),
    ("SOCIETATE IN COMANDITA PE ACTIUNI", "SCA"),
    ("SOCIETATE IN COMANDITA SIMPLA", "SCS"),
    ("SOCIETATE IN NUME COLECTIV", "SNC"),
    ("SOCIETATE PE ACTIUNI", "SA"),
    ("PERSOANA FIZICA AUTORIZATA", "PFA"),
    ("INTREPRINDERE INDIVIDUALA", "II"),
    ("INTREPRINDERE FAMILIALA", "IF"),
    ("SOCIETATE COOPERATIVA", "COOP"),
    ("REGIE AUTONOMA", "RA"),
    ("REGIA AUTONOMA", "RA"),
    ("SRL D", "SRL-D"),
    ("SRLD", "SRL-D"),
    ("SRL", "SRL"),
    ("SA", "SA"),
    ("SNC", "SNC"),
    ("SCS", "SCS"),
    ("SCA", "SCA"),
    ("PFA", "PFA"),
    ("II", "II"),
    ("IF", "IF"),
    ("RA", "RA"),
)
SPELLED_FORMS = tuple((tuple(words.split()), code) for words, code in _SPELLED)
LEGAL_FORMS = frozenset(code for _, code in _SPELLED)
# The same, by their last word: a name's last word says which forms can end it.
_FORMS_ENDING: dict[str, list[tuple[tuple[str, ...], str]]] = {}
for _tokens, _code in SPELLED_FORMS:
    _FORMS_ENDING.setdefault(_tokens[-1], []).append((_tokens, _code))

# Status suffixes, as they appear in names (several languages in real insolvency names).
_STATUS_PHRASES: tuple[tuple[str, str], ...] = (
    ("IN INSOLVENTA", "insolvency"),
    ("IN INSOLVENCY", "insolvency"),
    ("EN PROCEDURE COLLECTIVE", "insolvency"),
    ("IN REORGANIZARE JUDICIARA", "insolvency"),
    ("IN REORGANIZARE", "insolvency"),
    ("IN FALIMENT", "bankruptcy"),
    ("IN BANKRUPTCY", "bankruptcy"),
    ("EN FAILLITE", "bankruptcy"),
    ("IN LICHIDARE", "liquidation"),
    ("IN LICHIDARE VOLUNTARA", "liquidation"),
    ("IN DIZOLVARE", "dissolution"),
    ("RADIATA", "struck_off"),
)
_STATUS_RE = re.compile(
    r"[\s\-(,]+(?:" + "|".join(re.escape(p) for p, _ in _STATUS_PHRASES) + r")\b"
)
_STATUS_OF = dict(_STATUS_PHRASES)
# A dotted abbreviation, its letters spaced (``S. R. L.``) or not (``S.R.L.``): one style
# throughout, so that ``S.M.B. S.R.L.`` stays two words.
_DOTTED = re.compile(r"\b(?:(?:[A-Z]\s?\.\s)+|(?:[A-Z]\s?\.)+)[A-Z]\b\.?")
_PUNCTUATION = re.compile(r"[^0-9A-Z]+")
_SC_FIRST = frozenset({"S", "SC", "SOCIETATEA"})  # the first words _LEADING_SC can match
_LEADING_SC = re.compile(r"^(?:S\s?\.\s?C\s?\.?|SC|SOCIETATEA COMERCIALA)\s+")
# Forms written out before the name, as state companies are: REGIA AUTONOMĂ X is X RA.
_LEADING_FORMS = ((("REGIA", "AUTONOMA"), "RA"), (("REGIE", "AUTONOMA"), "RA"))
_GLUED = ("SRL",)  # forms found glued to the last word; SA ends too many words (CASA)


def _collapse_dots(match: re.Match[str]) -> str:
    return re.sub(r"[\s.]", "", match.group(0))


def normalise(name: str) -> Name:
    """Split a company name into its core words, legal form and status suffix."""
    text = fold(name).strip()
    text = _DOTTED.sub(_collapse_dots, text)
    status = None
    found = _STATUS_RE.search(text)
    if found and found.start() > 0:
        phrase = found.group(0).lstrip(" -(,")
        status = _STATUS_OF[phrase]
        text = text[: found.start()]
    words = _PUNCTUATION.sub(" ", text).split()
    for _ in range(2):  # SEAP writes S.C. SC X
        if len(words) > 1 and words[0] in _SC_FIRST:
            rest = _LEADING_SC.sub("", " ".join(words))
            words = rest.split() or words
    legal_form = None
    for _ in range(2):  # SEAP adds a second form: the first written is the company's
        found_form = _form_at_end(words)
        if found_form is None:
            break
        legal_form, words = found_form
    if legal_form is None and words:
        legal_form, words = _glued_form(words)
    if words[:1] in (["REGIA"], ["REGIE"]):
        for tokens, code in _LEADING_FORMS:
            if tuple(words[:2]) == tokens and len(words) > 2 and legal_form in (None, code):
                legal_form, words = code, words[2:]
    return Name(" ".join(words), legal_form, status)


def _form_at_end(words: list[str]) -> tuple[str, list[str]] | None:
    for tokens, code in _FORMS_ENDING.get(words[-1], ()) if words else ():
        n = len(tokens)
        if len(words) > n and tuple(words[-n:]) == tokens:
            return code, words[:-n]
    return None


def _glued_form(words: list[str]) -> tuple[str | None, list[str]]:
    last = words[-1]
    for code in _GLUED:
        if len(last) > len(code) + 2 and last.endswith(code):
            return code, [*words[:-1], last[: -len(code)]]
    return None, words


def key(name: str) -> str:
    """The core name alone: what two spellings of one company share.

    >>> key('S.C. Alfa Construct S.R.L.') == key('ALFA CONSTRUCT SRL')
    True
    """
    return normalise(name).core
