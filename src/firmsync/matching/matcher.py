"""The decision: which registration a typed name means — ``linked``, ``review`` or ``none``.

For a typed name (and the county and locality when the card has them):

1. the name index gives up to :data:`SEARCHED` registrations sharing its rarest words (and,
   when none is close, those of the name with its words cut as the register cuts them:
   :mod:`firmsync.matching.respell`);
2. registrations of one company (one CUI registered twice) become one candidate, its
   operating registration preferred; the :data:`SCORED` closest names are kept;
3. each candidate's features (:mod:`firmsync.matching.scoring`) become a calibrated
   probability (:mod:`firmsync.matching.model`);
4. the decision is ``linked`` when exactly one candidate reaches the model's link threshold,
   no other company's name holds every word typed, and the candidate passes
   :meth:`Matcher.may_link`: one of the two names holds every word of the other (a typo,
   an abbreviation, a word added or cut keep that; two different companies rarely do);
   neither has a word that names something the other lacks (a subsidiary's ``SERV``, a
   branch's ``FILIALA CERTEJ``, ``NOVA`` in ``NOVA MENTOR CONSTRUCT``); it was not found
   only by joining two typed words; the legal form typed (if any) is its own; its name
   (its words, in any order) is not shared with another company; and — for a person's
   business (PFA, II, IF) — a county or locality was given and agrees. ``review`` when
   some candidate is plausible (probability at least the review threshold); ``none``
   otherwise. A wrong automatic link fills a card with another company's data, so every
   rule leans towards asking the user.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz

from firmsync.matching.index import Entry, NameIndex
from firmsync.matching.model import Model
from firmsync.matching.respell import variants
from firmsync.matching.result import Candidate, Match
from firmsync.matching.scoring import (
    FEATURES,
    PERSON_FORMS,
    Query,
    features,
    one_holds_the_other,
)

__all__ = ["SCORED", "SEARCHED", "Matcher", "Scored"]

SEARCHED = 30  # candidates asked of the index
SCORED = 15  # of those, the closest names are scored with every feature
INDEX_FIRST = 3  # … of which the index's first companies, however they are spelled
SHOWN = 5  # candidates returned
WHOLE = 0.999  # a name whose every word the other has (cover is a float sum)
RESPELL_BELOW = 0.9  # the closest name found as typed this similar: no respelling searched


class Scored:
    """A candidate with its features and probability (what training and reasons use)."""

    __slots__ = ("entry", "probability", "reading", "values")

    def __init__(
        self, entry: Entry, values: list[float], probability: float, reading: Query
    ) -> None:
        self.entry, self.values, self.probability = entry, values, probability
        self.reading = reading  # the query as typed, or a respelling that found the entry

    def feature(self, name: str) -> float:
        return self.values[FEATURES.index(name)]


class Matcher:
    def __init__(self, index: NameIndex, model: Model | None = None) -> None:
        self.index = index
        self.model = model or Model.shipped()

    @classmethod
    def open(cls, path: Path) -> Matcher:
        return cls(NameIndex(path))

    def _known(self, word: str) -> bool:
        return self.index.frequency("words", word.lower()) > 0

    def _gather(
        self, reading: Query, query: Query, closest: dict[str, tuple[float, Entry, Query]]
    ) -> None:
        """The index's candidates for ``reading``, one per company (operating, then the
        closest spelling, preferred), into ``closest``."""
        for hit in self.index.search(reading.key, county=query.county, limit=SEARCHED):
            entry = hit.entry
            similarity = fuzz.token_sort_ratio(reading.key, entry.key) / 100
            company = entry.cui or entry.reg_number
            held = closest.get(company)
            if held is None or (entry.operating, similarity) > (held[1].operating, held[0]):
                closest[company] = (similarity, entry, reading)

    # --- candidates --------------------------------------------------------------------
    def scored(self, query: Query) -> list[Scored]:
        """The candidates for ``query`` with their features, most probable first."""
        closest: dict[str, tuple[float, Entry, Query]] = {}
        self._gather(query, query, closest)
        # Respelled (respell.py) only when no name found is close to the name as typed.
        if max((held[0] for held in closest.values()), default=0.0) < RESPELL_BELOW:
            for key in variants(query.key, self._known):
                self._gather(dataclasses.replace(query, key=key), query, closest)
        # The closest spellings, and the index's own first companies whatever their spelling:
        # its order weighs rare words, so a name with a city added (TUDOR TANGEXNEL
        # CONSTANTA) keeps TUDOR TANGEXNEL ahead of the many TUDOR … CONSTANȚA.
        by_spelling = sorted(
            closest.values(), key=lambda pair: (pair[0], pair[1].operating), reverse=True
        )
        first = list(closest.values())[:INDEX_FIRST]
        ranked = first + [pair for pair in by_spelling if pair not in first][: SCORED - len(first)]
        results = []
        for similarity, entry, reading in ranked:
            others = [s for s, e, _ in ranked if e.key != entry.key]
            values = features(
                reading,
                entry,
                weight=self.index.rarity,
                sharing=self.index.sharing(entry.key),
                token_sort=similarity,
                best_other=max(others, default=0.0),
                places=self.index.places,
            )
            results.append(Scored(entry, values, 0.0, reading))
        if results:  # all candidates in one product
            rows = np.array([result.values for result in results], dtype=float)
            for result, probability in zip(
                results, self.model.probabilities(rows).tolist(), strict=True
            ):
                result.probability = probability
        # Among equals (namesakes), one trading normally before one in insolvency.
        results.sort(
            key=lambda r: (r.probability, r.entry.operating, r.entry.status == "active"),
            reverse=True,
        )
        return results

    # --- the decision ------------------------------------------------------------------
    def match(
        self,
        name: str,
        county: str | None = None,
        locality: str | None = None,
        *,
        shown: int = SHOWN,
    ) -> Match:
        """The decision for a typed name, with its first ``shown`` candidates."""
        query = Query.parse(name, county, locality)
        if not query.key:
            return Match("none", [])
        scored = self.scored(query)
        candidates = [self._candidate(query, s) for s in scored[:shown]]
        if not scored:
            return Match("none", candidates)
        top = scored[0]
        certain = [s for s in scored if s.probability >= self.model.link]
        holding = {  # companies whose names hold every word typed: two are a family
            s.entry.cui or s.entry.reg_number
            for s in scored
            if s.feature("query_cover") >= WHOLE and s.probability >= self.model.review
        }
        if (
            len(certain) == 1
            and certain[0] is top
            and len(holding) <= 1
            and self.may_link(query, top)
        ):
            return Match("linked", candidates)
        if top.probability >= self.model.review:
            return Match("review", candidates)
        return Match("none", candidates)

    def may_link(self, query: Query, top: Scored) -> bool:
        """The rules a link must pass whatever its probability (person names, shared names)."""
        entry = top.entry
        if (
            top.feature("query_cover") < WHOLE
            and top.feature("name_cover") < WHOLE
            and not one_holds_the_other(top.reading.key, entry.key)
        ):
            return False  # each name has a word the other lacks: two companies, most likely
        if len(top.reading.key.split()) < len(query.key.split()):
            return False  # found with two typed words joined: HIDRO TERM may be another firm
        if top.feature("branch"):
            return False  # FILIALA CERTEJ, SERV, a city: the family's other company
        if top.feature("name_extra") or top.feature("query_extra"):
            return False  # a word more or less that names something: NOVA MENTOR CONSTRUCT
        if top.feature("form_conflicts"):
            return False  # an SA is not an SRL: a different legal person, whatever the name
        if entry.legal_form in PERSON_FORMS and not (
            top.feature("county_agrees") or top.feature("place_agrees")
        ):
            return False
        if top.feature("shared") > 0:  # another registration has these words, in any order
            companies = {e.cui or e.reg_number for e in self.index.sharing_with(entry.key)}
            if len(companies) > 1:
                return False
        return True

    def _candidate(self, query: Query, scored: Scored) -> Candidate:
        entry = scored.entry
        return Candidate(
            entry.reg_number,
            entry.cui,
            entry.name,
            round(scored.probability, 4),
            entry.county,
            entry.locality,
            entry.status,
            _reasons(query, scored),
        )


def _reasons(query: Query, scored: Scored) -> tuple[str, ...]:
    """Why a candidate scored as it did, in words a user can check."""
    f = scored.feature
    entry = scored.entry
    reasons = ["same name" if f("exact") else f"name {f('token_sort'):.0%} similar"]
    if f("form_agrees"):
        reasons.append(f"legal form {entry.legal_form} agrees")
    elif f("form_conflicts"):
        reasons.append(f"legal form {entry.legal_form}, not {query.legal_form}")
    for what in ("county", "place"):
        label = "county" if what == "county" else "locality"
        if f(f"{what}_agrees"):
            reasons.append(f"{label} agrees")
        elif f(f"{what}_conflicts"):
            reasons.append(f"{label} differs")
    sharing = round(2 ** f("shared"))
    if sharing > 1:
        reasons.append(f"{sharing} registrations share this name")
    if entry.legal_form in PERSON_FORMS:
        reasons.append("a person's business: linked only with an agreeing county or locality")
    if not entry.operating:
        reasons.append(f"status: {entry.status}")
    return tuple(reasons)
