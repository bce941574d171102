"""The evaluation's figures, checked by hand and on the brute-force baseline."""

from __future__ import annotations

from pathlib import Path

import pytest

from firmsync.matching.baseline import BruteForce
from firmsync.matching.evaluation import evaluate
from firmsync.matching.queries import LabelledQuery, sample_queries
from firmsync.matching.result import Candidate, Match
from firmsync.registry.importer import import_paths
from firmsync.registry.sample import make_sample
from firmsync.registry.store import RegisterStore


def query(name: str, reg: str | None) -> LabelledQuery:
    return LabelledQuery(name, None, None, reg, None, "typo" if reg else "absent")


def test_figures_by_hand() -> None:
    answers = {
        "right": Match("linked", [Candidate("J1", "1", "A", 0.95)]),
        "wrong": Match("linked", [Candidate("J9", "9", "B", 0.85), Candidate("J2", "2", "C", 0.5)]),
        "review": Match("review", [Candidate("J7", "7", "D", 0.4), Candidate("J3", "3", "E", 0.3)]),
        "ghost": Match("linked", [Candidate("J5", "5", "F", 0.9)]),
        "nothing": Match("none"),
    }
    queries = [
        query("right", "J1"),
        query("wrong", "J2"),
        query("review", "J3"),
        query("ghost", None),
        query("nothing", None),
    ]
    metrics = evaluate(lambda q: answers[q.name], queries)
    assert (metrics.present, metrics.absent) == (3, 2)
    assert metrics.auto_link_rate == pytest.approx(2 / 3)
    assert metrics.auto_link_precision == pytest.approx(1 / 2)
    assert metrics.false_link_rate == pytest.approx(1 / 2)
    assert metrics.top1_accuracy == pytest.approx(1 / 3)
    assert metrics.top5_recall == pytest.approx(1)
    # Bins of the four top probabilities: [0.9, 1) holds 0.95 (right) and 0.9 (wrong): mean
    # 0.925 against accuracy 0.5; [0.8, 0.9) holds 0.85 (wrong); [0.4, 0.5) holds 0.4 (wrong).
    expected = 2 / 4 * abs(0.925 - 0.5) + 1 / 4 * 0.85 + 1 / 4 * 0.4
    assert metrics.calibration_error == pytest.approx(expected)


def test_the_baseline_finds_noisy_names(tmp_path: Path, store: RegisterStore) -> None:
    make_sample(tmp_path / "s", companies=2000, seed=6)
    import_paths(store, [tmp_path / "s"])
    queries = sample_queries(store, present=100, absent=30, seed=3)
    metrics = evaluate(BruteForce.from_store(store), queries)
    assert metrics.top5_recall > 0.8
    assert metrics.auto_link_precision > 0.9
    assert 0 <= metrics.false_link_rate <= 1 and len(metrics.lines()) == 7
