"""Fitting the matching model: labelled pairs from a sample register with companies held out.

The method, deterministic for its arguments (``firmsync match fit`` runs it; the shipped
``model.json`` records the arguments it was made with):

1. generate a sample register (:func:`firmsync.registry.sample.make_sample`) and import it;
2. draw noisy queries for its operating companies (:func:`firmsync.matching.queries.
   sample_queries`), every kind of noise, half with county and locality;
3. hold out a share of those companies: every registration of their CUI is deleted from the
   register before the index is built, so their queries become queries for a company that
   is not there — the confident-wrong-link case — next to invented absent names;
4. build the name index, and for every query score its candidates' features; a candidate is
   a positive pair when it is the queried company (same CUI), a negative one otherwise;
5. fit the logistic model (:func:`firmsync.matching.model.fit`) on all pairs;
6. choose the link threshold: the lowest probability at which automatic links on these
   queries are right at least :data:`TARGET_PRECISION` of the time (absent companies
   linked count as wrong), so that a register the model has not seen stays above 99%; and
   never below :data:`LINK_FLOOR`, so that each link, not only links on average, is very
   probably right.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from firmsync.matching.index import NameIndex
from firmsync.matching.matcher import Matcher
from firmsync.matching.model import Model, fit
from firmsync.matching.queries import LabelledQuery, sample_queries
from firmsync.matching.scoring import FEATURES, Query
from firmsync.registry import read
from firmsync.registry.importer import import_paths
from firmsync.registry.sample import make_sample
from firmsync.registry.store import RegisterStore

__all__ = ["TARGET_PRECISION", "TrainingSet", "fit_model", "labelled_pairs", "training_set"]

log = logging.getLogger(__name__)

TARGET_PRECISION = 0.997
LINK_FLOOR = 0.9  # a link is a statement that the candidate is very probably right
REVIEW = 0.02  # below this probability a candidate is not plausible
_UNFITTED = Model(weights={}, bias=0.0, link=1.1, review=0.0)


@dataclass(frozen=True)
class TrainingSet:
    index: NameIndex
    queries: list[LabelledQuery]
    held_out: list[str]  # the CUIs deleted from the register before indexing


def training_set(
    directory: Path, *, companies: int, seed: int, queries: int, held_out: float = 0.15
) -> TrainingSet:
    """Steps 1-4's register, index and labelled queries, made under ``directory``."""
    make_sample(directory / "sample", companies=companies, seed=seed)
    store = RegisterStore(f"sqlite:///{directory / 'register.sqlite3'}")
    try:
        import_paths(store, [directory / "sample"])
        absent = queries // 10
        drawn = sample_queries(store, present=queries, absent=absent, seed=seed)
        kept = int(queries * (1 - held_out))
        held = drawn[kept:queries]
        with store.transaction():
            for query in held:
                read.delete_company(store, query.cui)
        gone = [replace(q, reg_number=None, cui=None) for q in held]
        index = NameIndex.build(store, directory / "names", threads=1)
    finally:
        store.close()
    held_cuis = [q.cui for q in held if q.cui]  # present queries always have one
    return TrainingSet(index, drawn[:kept] + gone + drawn[queries:], held_cuis)


def labelled_pairs(
    matcher: Matcher, queries: list[LabelledQuery]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Features, labels and query number of every (query, candidate) pair."""
    rows, labels, groups = [], [], []
    for number, labelled in enumerate(queries):
        query = Query.parse(labelled.name, labelled.county, labelled.locality)
        for scored in matcher.scored(query):
            rows.append(scored.values)
            labels.append(labelled.cui is not None and scored.entry.cui == labelled.cui)
            groups.append(number)
    return np.array(rows, dtype=float), np.array(labels, dtype=float), np.array(groups)


def _link_threshold(matcher: Matcher, queries: list[LabelledQuery]) -> float:
    """The lowest threshold whose links on ``queries`` meet :data:`TARGET_PRECISION`."""
    outcomes: list[tuple[float, bool]] = []  # (top probability, the link would be right)
    for labelled in queries:
        query = Query.parse(labelled.name, labelled.county, labelled.locality)
        scored = matcher.scored(query)
        if not scored or not matcher.may_link(query, scored[0]):
            continue
        # Two candidates above the threshold would not link; that only removes links.
        right = labelled.cui is not None and scored[0].entry.cui == labelled.cui
        outcomes.append((scored[0].probability, right))
    outcomes.sort(reverse=True)
    best, right_links = 1.0, 0
    for links, (probability, right) in enumerate(outcomes, start=1):
        right_links += right
        if right_links / links >= TARGET_PRECISION:
            best = probability
    return best


def fit_model(
    directory: Path,
    *,
    companies: int = 300_000,
    seed: int = 101,
    queries: int = 20_000,
    progress: Callable[[str], None] = log.info,
) -> Model:
    """Steps 1-6: the model to ship, with how it was made in its ``about``."""
    progress(f"sample register of {companies:,} companies (seed {seed}) …")
    made = training_set(directory, companies=companies, seed=seed, queries=queries)
    progress(f"features of {len(made.queries):,} labelled queries …")
    rows, labels, _ = labelled_pairs(Matcher(made.index, _UNFITTED), made.queries)
    weights, bias = fit(rows, labels)
    model = Model(
        weights={name: round(float(w), 6) for name, w in zip(FEATURES, weights, strict=True)},
        bias=round(bias, 6),
        link=1.0,
        review=REVIEW,
    )
    progress("link threshold …")
    link = _link_threshold(Matcher(made.index, model), made.queries)
    return replace(
        model,
        link=round(max(link, LINK_FLOOR), 4),
        about={
            "method": "firmsync.matching.training.fit_model",
            "companies": companies,
            "seed": seed,
            "queries": len(made.queries),
            "pairs": len(labels),
            "positive_pairs": int(labels.sum()),
            "target_precision": TARGET_PRECISION,
        },
    )
