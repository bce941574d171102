"""The calibrated model: from a candidate's features to the probability that it is the one.

A logistic regression over :data:`firmsync.matching.scoring.FEATURES`, fitted on labelled
pairs (:mod:`firmsync.matching.training`) by iteratively reweighted least squares with a small
ridge penalty. That method is deterministic — the same pairs give the same weights on any
machine — and a logistic fit is calibrated on the data it was fitted on by construction
(its predicted probabilities sum to the positives), which the evaluation checks on queries
from another register. It is written here, in a dozen lines of numpy, rather than taken
from scikit-learn: that library would be our largest dependency for one small solve.

The fitted model ships as ``model.json`` in this package: the weights by feature name, the
link threshold chosen on the training pairs, and how it was made.

>>> model = Model(weights={'ratio': 8.0}, bias=-6.0, link=0.9, review=0.05)
>>> round(model.probability([1.0] + [0.0] * (len(FEATURES) - 1)), 3)
0.881
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from firmsync.matching.scoring import FEATURES

__all__ = ["VERSION", "Model", "fit"]

VERSION = 3  # of the features and the file; a model of another version is refused


@dataclass(frozen=True)
class Model:
    weights: dict[str, float]
    bias: float
    link: float  # the probability from which a single candidate is linked
    review: float  # below this, a candidate is not worth showing as plausible
    about: dict[str, Any] = field(default_factory=dict)

    def probability(self, values: list[float]) -> float:
        return float(self.probabilities(np.array([values], dtype=float))[0])

    def probabilities(self, rows: np.ndarray) -> np.ndarray:
        """The probability of each row of feature values (one candidate per row)."""
        return 1.0 / (1.0 + np.exp(-np.clip(rows @ self._vector + self.bias, -40.0, 40.0)))

    @functools.cached_property
    def _vector(self) -> np.ndarray:
        return np.array([self.weights.get(name, 0.0) for name in FEATURES])

    def to_json(self) -> str:
        body = {
            "version": VERSION,
            "features": list(FEATURES),
            "weights": self.weights,
            "bias": self.bias,
            "link": self.link,
            "review": self.review,
            "about": self.about,
        }
        return json.dumps(body, indent=2, ensure_ascii=False) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Model:
        body = json.loads(text)
        if body.get("version") != VERSION or body.get("features") != list(FEATURES):
            raise ValueError("the matching model was fitted for other features: refit it")
        return cls(body["weights"], body["bias"], body["link"], body["review"], body["about"])

    @classmethod
    def shipped(cls) -> Model:
        return cls.from_json(resources.files(__package__).joinpath("model.json").read_text())

    def save(self, path: Path) -> None:
        path.write_text(self.to_json(), encoding="utf-8")


def fit(rows: np.ndarray, labels: np.ndarray, *, ridge: float = 1.0) -> tuple[np.ndarray, float]:
    """Logistic regression weights and bias by Newton's method (IRLS) with an L2 penalty."""
    x = np.hstack([rows, np.ones((len(rows), 1))])
    beta = np.zeros(x.shape[1])
    penalty = np.full(x.shape[1], ridge)
    penalty[-1] = 0.0  # the bias is not shrunk
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-np.clip(x @ beta, -40.0, 40.0)))
        gradient = x.T @ (labels - p) - penalty * beta
        hessian = (x * (p * (1 - p))[:, None]).T @ x + np.diag(penalty)
        step = np.linalg.solve(hessian, gradient)
        beta += step
        if np.max(np.abs(step)) < 1e-8:
            break
    return beta[:-1], float(beta[-1])
