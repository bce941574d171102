"""The calibrated model: a deterministic fit that recovers what generated the data."""

from __future__ import annotations

import numpy as np
import pytest

from firmsync.matching.model import Model, fit
from firmsync.matching.scoring import FEATURES


def test_fit_recovers_known_weights_and_is_deterministic() -> None:
    rng = np.random.default_rng(5)
    rows = rng.normal(size=(20_000, 3))
    truth, bias = np.array([2.0, -1.0, 0.0]), -0.5
    labels = (rng.random(20_000) < 1 / (1 + np.exp(-(rows @ truth + bias)))).astype(float)
    weights, fitted_bias = fit(rows, labels, ridge=0.0)
    assert weights == pytest.approx(truth, abs=0.1)
    assert fitted_bias == pytest.approx(bias, abs=0.1)
    again = fit(rows, labels, ridge=0.0)
    assert np.array_equal(again[0], weights) and again[1] == fitted_bias
    # Calibrated on its own data: predicted probabilities sum to the positives.
    p = 1 / (1 + np.exp(-(rows @ weights + fitted_bias)))
    assert p.sum() == pytest.approx(labels.sum(), rel=1e-6)


def test_the_shipped_model_round_trips_and_refuses_other_features() -> None:
    model = Model.shipped()
    assert set(model.weights) == set(FEATURES) and 0.9 <= model.link < 1 and model.review < 0.5
    assert Model.from_json(model.to_json()) == model
    stale = model.to_json().replace('"margin"', '"gap"', 1)
    with pytest.raises(ValueError, match="refit"):
        Model.from_json(stale)


def test_probability_agrees_with_the_vectorised_form() -> None:
    model = Model.shipped()
    rows = np.random.default_rng(1).random((50, len(FEATURES)))
    one_by_one = [model.probability(list(row)) for row in rows]
    assert model.probabilities(rows) == pytest.approx(one_by_one)
