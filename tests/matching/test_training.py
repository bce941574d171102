"""Fitting on a sample register with companies held out."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from firmsync.matching.matcher import Matcher
from firmsync.matching.model import Model
from firmsync.matching.training import fit_model, labelled_pairs, training_set


def test_held_out_companies_are_gone_and_pairs_are_labelled(tmp_path: Path) -> None:
    made = training_set(tmp_path / "t", companies=3000, seed=3, queries=300, held_out=0.2)
    gone = [q for q in made.queries if q.cui is None and q.noise != "absent"]
    assert len(gone) == len(made.held_out) == 60
    for query, cui in zip(gone, made.held_out, strict=True):
        assert cui not in {hit.entry.cui for hit in made.index.candidates(query.name)}
    rows, labels, groups = labelled_pairs(Matcher(made.index, Model.shipped()), made.queries)
    assert rows.shape[0] == labels.shape[0] == groups.shape[0] > len(made.queries)
    assert 0.2 * 240 < labels.sum() <= 240  # at most one right candidate per present query
    absent = [i for i, q in enumerate(made.queries) if q.cui is None]
    assert labels[np.isin(groups, absent)].sum() == 0


def test_fit_model_is_deterministic(tmp_path: Path) -> None:
    first = fit_model(tmp_path / "a", companies=2000, seed=4, queries=300)
    second = fit_model(tmp_path / "b", companies=2000, seed=4, queries=300)
    assert first == second
    assert first.about["companies"] == 2000 and 0 < first.link <= 1
