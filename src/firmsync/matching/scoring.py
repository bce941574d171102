"""What makes a candidate registration the company a typed name means: its features.

Each candidate the name index returns is described by a few numbers, all between about -1
and 2, that the calibrated model (:mod:`firmsync.matching.model`) turns into a probability:

==================  ===========================================================================
``ratio``           rapidfuzz similarity of the two normalised names, in order
``token_sort``      … with the words sorted (swapped words cost nothing)
``token_set``       … of the words in common (an added or a dropped word costs little)
``query_cover``     share of the query's information (its words, weighed by rarity) the
                    candidate's name holds, a word counting when spelled nearly alike or
                    abbreviated (``CONSTR``, ``IMPEX``); a place name the candidate lacks is
                    not counted (users add the city)
``name_cover``      share of the candidate's information the query holds
``both_cover``      the smaller of the two: each name has a word the other lacks, the mark of
                    two different companies (a typo or a cut keeps one side whole)
``edited``          a word of the query was found only as a word one or two letters apart:
                    a typo, or another company's name (``PANDIXBAX``, ``DANDIXBAX``)
``evidence``        the summed rarity of the words the two share (a word's rarity runs from
                    0, in every name, to 1, in this name only): ``ALFA`` says little,
                    ``ZIXTILLUL`` says it all
``exact``           the normalised names are equal
``form_agrees``     the query names a legal form and the candidate has it (``SRL`` ~ ``SRL-D``)
``form_conflicts``  the query names a legal form the candidate does not have
``county_agrees``   the query's county is the candidate's (0 when no county is given)
``county_conflicts``
``place_agrees``    the query's locality is the candidate's
``place_conflicts``
``shared``          log2 of how many registrations have the candidate's name (its words, in
                    any order)
``margin``          how far the candidate's similarity is ahead of the best *other* name's
                    (negative when another name is closer)
``operating``       the registration is operating (active, or insolvent and trading)
``person``          the candidate is a sole trader or a family business (PFA, II, IF)
``name_extra``      the summed rarity of the candidate's words the query lacks (generic words
                    such as ``SOCIETATEA`` or ``ROMANIA``, and the name's own acronym, left
                    out): ``NUCLEARELECTRICA SERV`` for ``NUCLEARELECTRICA``
``query_extra``     the same for the query's words the candidate lacks, place names left out:
                    ``NOVA`` in ``NOVA MENTOR CONSTRUCT`` for ``MENTOR CONSTRUCT``
``branch``          the candidate has a word the query lacks that marks a subsidiary or a
                    branch (``FILIALA``, ``SUCURSALA``, ``SERV``, ``HOLDING`` …) or a place
                    name: another company of the same family, most likely
``prefix``          the query's words are the first words of a longer registered name
==================  ===========================================================================

The last four say when a name with a word more or a word less is another company; the
matcher never links automatically on a candidate with ``branch``, or with a word of either
side that is neither generic nor a place (:func:`extra_words`).
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Container
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from firmsync.identity import counties, names
from firmsync.identity.text import fold
from firmsync.matching.index import Entry

__all__ = [
    "FEATURES",
    "GENERIC",
    "MARKERS",
    "PERSON_FORMS",
    "Query",
    "acronym_of",
    "extra_words",
    "features",
    "one_holds_the_other",
    "same_place",
]

FEATURES = (
    "ratio",
    "token_sort",
    "token_set",
    "query_cover",
    "name_cover",
    "both_cover",
    "edited",
    "evidence",
    "exact",
    "form_agrees",
    "form_conflicts",
    "county_agrees",
    "county_conflicts",
    "place_agrees",
    "place_conflicts",
    "shared",
    "margin",
    "operating",
    "person",
    "name_extra",
    "query_extra",
    "branch",
    "prefix",
)
PERSON_FORMS = frozenset({"PFA", "II", "IF"})
_FAMILY = {"SRL-D": "SRL"}  # forms that count as the same form
_WORD_LIKE = 85.0  # two words at least this similar (rapidfuzz ratio) count as one
# One word that stands for two (the query's abbreviation, the register's full words).
_TOGETHER = {"IMPEX": ("IMPORT", "EXPORT")}
_TYPO_FROM = 5  # letters: shorter words one letter apart are as often other names (ALFA, ALBA)
_FORM_LIKE = 90.0  # a spelled-out legal form at least this similar counts as that form
_SMALL = frozenset("DE SI A AL ALE IN CU PENTRU PE LA DIN".split())  # skipped in acronyms
# Words that say what kind of body a company is, not which one: present or missing, they do
# not make two names two companies (users drop them: ROMGAZ for SOCIETATEA NAȚIONALĂ …).
GENERIC = _SMALL | frozenset(
    "SOCIETATEA SOCIETATE COMPANIA COMPANIE NATIONALA NATIONAL COMERCIALA ROMANIA ROMANA "
    "ROMAN ROMANIAN IFN SC CN SN RA SA SRL".split()
)
# Words that mark a subsidiary, a branch or a service company of a group: a registered name
# with one the query lacks is the family's other company.
MARKERS = frozenset(
    "FILIALA FILIALEI SUCURSALA SUCURSALEI SERV SERVICE SERVICES SERVICII HOLDING GROUP GRUP "
    "INVEST INVESTMENTS CONSULT CONSULTING PUNCT LUCRU AGENTIA DIVIZIA".split()
)
_PLACE_NOISE = re.compile(r"\b(MUNICIPIUL|ORAS|ORASUL|COMUNA|SAT|SATUL|JUDETUL|JUD)\b|[^A-Z0-9 ]")


@dataclass(frozen=True)
class Query:
    """A typed name, parsed once, with the optional county and locality it came with."""

    key: str
    legal_form: str | None
    county: str | None
    locality: str | None

    @classmethod
    def parse(cls, name: str, county: str | None = None, locality: str | None = None) -> Query:
        core, form, _ = names.normalise(name)
        if form is None:
            core, form = _misspelt_form(core)
        return cls(core, form, counties.canonical_or_given(county), _place(locality))


def _misspelt_form(core: str) -> tuple[str, str | None]:
    """A spelled-out legal form typed with a typo, split off: users type them by hand.

    >>> _misspelt_form('POPESCU ION PERSOANA FIZICA AUTORIATA')
    ('POPESCU ION', 'PFA')
    """
    words = core.split()
    for tokens, code in names.SPELLED_FORMS:
        n = len(tokens)
        if n < 2 or len(words) <= n:  # a short form with a typo is another word
            continue
        if fuzz.ratio(" ".join(words[-n:]), " ".join(tokens)) >= _FORM_LIKE:
            return " ".join(words[:-n]), code
    return core, None


@functools.lru_cache(maxsize=20_000)  # a register's localities repeat from name to name
def _place(locality: str | None) -> str | None:
    """A locality reduced for comparison: ``Municipiul Cluj-Napoca`` → ``CLUJ NAPOCA``."""
    if not locality:
        return None
    text = " ".join(_PLACE_NOISE.sub(" ", fold(locality).replace("-", " ")).split())
    return text or None


def same_place(query_place: str, entry_locality: str | None) -> bool | None:
    """Whether two localities agree (Bucharest's sectors are inside Bucharest); None: unknown.

    >>> same_place('BUCURESTI', 'București Sectorul 3'), same_place('CLUJ NAPOCA', 'Turda')
    (True, False)
    """
    theirs = _place(entry_locality)
    if theirs is None:
        return None
    return theirs == query_place or theirs.startswith(query_place + " ")


def _found(word: str, other: list[str]) -> str | None:
    """How ``word`` is among ``other``: ``same``, ``abbreviated`` (or cut), ``edited``, or not.

    >>> _found('CONSTR', ['ALFA', 'CONSTRUCTII']), _found('IMPEX', ['IMPORT', 'EXPORT'])
    ('abbreviated', 'abbreviated')
    >>> _found('CONSTRUTCII', ['CONSTRUCTII']), _found('BETA', ['ALFA'])
    ('edited', None)
    """
    if word in other:
        return "same"
    together = _TOGETHER.get(word)
    if together is not None and all(part in other for part in together):
        return "abbreviated"
    if len(word) > 2 and any(o.startswith(word) for o in other):  # CONSTR, PROD; a cut word
        return "abbreviated"
    if process.extractOne(word, other, scorer=fuzz.ratio, score_cutoff=_WORD_LIKE):
        return "edited"
    if 2 <= len(word) <= 6 and acronym_of(word, other):
        return "abbreviated"
    return None


def acronym_of(word: str, other: list[str]) -> bool:
    """Whether ``word`` is the initials of some consecutive words of ``other``, small words
    (``DE``, ``SI`` …) skipped or not.

    >>> acronym_of('SNGN', ['SOCIETATEA', 'NATIONALA', 'DE', 'GAZE', 'NATURALE', 'ROMGAZ'])
    True
    >>> acronym_of('RATEN', 'REGIA AUTONOMA TEHNOLOGII PENTRU ENERGIA NUCLEARA'.split())
    True
    >>> acronym_of('ABC', ['ALFA', 'BETA'])
    False
    """
    if not word.isalpha() or len(other) < len(word):
        return False
    full = "".join(o[0] for o in other)
    skipped = "".join(o[0] for o in other if o not in _SMALL)
    return word in full or word in skipped


def _covered(
    words: list[str],
    found: list[str | None],
    weight: Callable[[str], float],
    ignored: Container[str] = (),
) -> tuple[float, bool]:
    """The weighed share of ``words`` found (``found``: how each is, :func:`_found`) in the
    other name, and whether a word was found only by an edit. Words in ``ignored`` count
    only when found.
    """
    total = share = 0.0
    edited = False
    for word, how in zip(words, found, strict=True):
        w = weight(word)
        if how:
            share += w
            edited = edited or how == "edited"
        elif word not in ignored:
            total += w
    total += share
    return (share / total if total else 0.0), edited


def extra_words(
    words: list[str],
    other: list[str],
    ignored: Container[str] = (),
    found: list[str | None] | None = None,
) -> list[str]:
    """The informative words of ``words`` that ``other`` lacks (:func:`_found`, or begun by
    a word of ``other``: ``COM`` for ``COMERT``, a last word cut short), neither generic,
    nor in ``ignored``, nor the acronym of the name's own words, nor a mistyped legal form.

    >>> extra_words(['NUCLEARELECTRICA', 'SERV'], ['NUCLEARELECTRICA'])
    ['SERV']
    >>> extra_words(['SOCIETATEA', 'DE', 'SERVICII', 'IN', 'INFORMATICA', 'SSI'],
    ...             ['SERVICII', 'INFORMATICA'])
    []
    >>> extra_words(['ALFA', 'COMERT', 'BISTRITA'], ['ALFA', 'COM', 'BI'])
    []
    >>> extra_words(['BETA', 'CONSTRUCT', 'STL'], ['BETA', 'CONSTRUCT'])
    []
    """
    if found is None:
        found = [_found(w, other) for w in words]
    last, final = (other[-1] if other else ""), len(words) - 1
    return [
        w
        for at, (w, how) in enumerate(zip(words, found, strict=True))
        if not how
        and w not in GENERIC
        and w not in ignored
        and not any(len(o) > 2 and w.startswith(o) for o in other)
        and not (len(last) > 1 and w.startswith(last))
        and not (at == final and any(o.startswith(w) for o in other))
        and not (w.isalpha() and 2 <= len(w) <= 6 and acronym_of(w, [o for o in words if o != w]))
        and not (at == final and _form_like(w))
        and not _mistyped(w, other)
    ]


def _mistyped(word: str, other: list[str]) -> bool:
    """``word`` is a word of ``other`` typed one letter wrong, or two swapped: a typo, which
    the model weighs (``edited``), not a word that names another company.

    >>> _mistyped('LATPE', ['DAXPENCAR', 'LAPTE']), _mistyped('ALBA', ['ALFA'])
    (True, False)
    """
    return len(word) >= _TYPO_FROM and any(
        len(o) >= _TYPO_FROM and OSA.distance(word, o) <= 1 for o in other
    )


def one_holds_the_other(query: str, name: str) -> bool:
    """Whether one of two normalised names holds every word of the other once a query cut
    short (:func:`_cut`) and words typed one letter wrong (:func:`_mistyped`) are allowed
    for: two different companies' names each have a word the other lacks.

    >>> one_holds_the_other('ZONDORBIR V', 'ZONDORBIR VIE'), one_holds_the_other(
    ...     'DAXPENCAR LATPE', 'DAXPENCAR LAPTE'), one_holds_the_other('ALFA BETA', 'ALFA GAMA')
    (True, True, False)
    """
    q_words, c_words = query.split(), name.split()
    cut = _cut(q_words, c_words)
    typed = q_words if cut is None else q_words[:-1]
    reached = c_words if cut is None else c_words[:cut]

    def lacks(words: list[str], other: list[str]) -> bool:
        return any(not _found(w, other) and not _mistyped(w, other) for w in words)

    return not lacks(typed, c_words) or not lacks(reached, q_words)


def _cut(q_words: list[str], c_words: list[str]) -> int | None:
    """Where a query that ends inside a word stops in the candidate's name: the position of
    the word its last word begins (``BRUTARIA LUN`` stops at ``LUNA`` of ``BRUTARIA LUNA
    TOP``). That word and the ones after it were cut off, not left out.

    >>> _cut(['BRUTARIA', 'LUN'], ['BRUTARIA', 'LUNA', 'TOP']), _cut(['ALFA'], ['ALFA', 'SERV'])
    (1, None)
    >>> _cut(['NUCLEARELECTRICA', 'S'], ['NUCLEARELECTRICA', 'SERV'])
    """
    if not q_words or q_words[-1] in c_words:
        return None
    last = q_words[-1]
    if any(form.startswith(last) for form in names.LEGAL_FORMS):
        return None  # NUCLEARELECTRICA S may be the SA begun, not NUCLEARELECTRICA SERV
    for at, word in enumerate(c_words):
        if word.startswith(last):
            return at
    return None


def _form_like(word: str) -> bool:
    """A legal form typed one letter wrong or two swapped (``STL``, ``SRRL``, ``SLR``)."""
    return 2 <= len(word) <= 4 and any(
        OSA.distance(word, form) <= 1 for form in ("SRL", "PFA", "SNC", "SCS", "SCA")
    )


def features(
    query: Query,
    entry: Entry,
    *,
    weight: Callable[[str], float],
    sharing: int,
    token_sort: float,
    best_other: float,
    places: Container[str] = (),
) -> list[float]:
    """The features of ``entry`` as the answer to ``query``, in the order of :data:`FEATURES`.

    ``weight`` gives a word's rarity (0-1); ``sharing`` is how many registrations have the
    entry's name (its words, in any order); ``token_sort`` is the rapidfuzz token-sort
    similarity (0-1) of the two names, which ranked the candidate already; ``best_other``
    is the highest such similarity among the other names in the candidate list; ``places``
    are the words of county and locality names.
    """
    q_words, c_words = query.key.split(), entry.key.split()
    shared_words = set(q_words) & set(c_words)
    evidence = sum(weight(w) for w in shared_words)
    q_found = [_found(w, c_words) for w in q_words]
    c_found = [_found(w, q_words) for w in c_words]
    query_cover, edited = _covered(q_words, q_found, weight, places)
    name_cover, _ = _covered(c_words, c_found, weight)
    form, theirs = query.legal_form, entry.legal_form
    form_agrees = bool(form and theirs and _FAMILY.get(form, form) == _FAMILY.get(theirs, theirs))
    county_agrees = county_conflicts = place_agrees = place_conflicts = 0.0
    if query.county and entry.county:
        county_agrees = float(query.county == entry.county)
        county_conflicts = 1.0 - county_agrees
    if query.locality:
        same = same_place(query.locality, entry.locality)
        if same is not None:
            place_agrees, place_conflicts = float(same), float(not same)
    cut = _cut(q_words, c_words)
    seen = len(c_words) if cut is None else cut  # the candidate's words before the cut
    name_extra = extra_words(c_words[:seen], q_words, found=c_found[:seen])
    query_extra = extra_words(q_words, c_words, places, found=q_found)
    branch = any(w in MARKERS or w in places for w in name_extra)
    prefix = len(c_words) > len(q_words) and c_words[: len(q_words)] == q_words
    return [
        fuzz.ratio(query.key, entry.key) / 100,
        token_sort,
        fuzz.token_set_ratio(query.key, entry.key) / 100,
        query_cover,
        name_cover,
        min(query_cover, name_cover),
        float(edited),
        min(evidence, 2.0),
        float(query.key == entry.key),
        float(form_agrees),
        float(bool(form and theirs) and not form_agrees),
        county_agrees,
        county_conflicts,
        place_agrees,
        place_conflicts,
        math.log2(max(sharing, 1)),
        token_sort - best_other,
        float(entry.operating),
        float(theirs in PERSON_FORMS),
        min(sum(weight(w) for w in name_extra), 2.0),
        min(sum(weight(w) for w in query_extra), 2.0),
        float(branch),
        float(prefix),
    ]
