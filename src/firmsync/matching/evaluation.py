"""How good a matcher is on labelled queries: the figures the matching issue asks for.

A matcher is any function from a query to a :class:`Match`; the evaluation counts, over the
queries whose company is registered, how often it links and how often a link is right,
whether the right registration is first or among the first five, and over the absent ones
how often it links anyway (a confident wrong link, the worst outcome). The calibration error
compares each query's top probability with whether that candidate was right (expected
calibration error over ten equal-width bins).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from firmsync.matching.queries import LabelledQuery
from firmsync.matching.result import Match

__all__ = ["Metrics", "evaluate"]


@dataclass(frozen=True)
class Metrics:
    present: int
    absent: int
    auto_link_rate: float  # of present queries, the share linked automatically
    auto_link_precision: float  # of those links, the share that are right
    false_link_rate: float  # of absent queries, the share linked anyway
    top1_accuracy: float
    top5_recall: float
    calibration_error: float

    def lines(self) -> list[str]:
        return [
            f"queries: {self.present} present, {self.absent} absent",
            f"auto-link rate          {self.auto_link_rate:7.2%}",
            f"auto-link precision     {self.auto_link_precision:7.2%}",
            f"false links on absent   {self.false_link_rate:7.2%}",
            f"top-1 accuracy          {self.top1_accuracy:7.2%}",
            f"top-5 recall            {self.top5_recall:7.2%}",
            f"calibration error (ECE) {self.calibration_error:7.4f}",
        ]


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def evaluate(
    match: Callable[[LabelledQuery], Match], queries: Iterable[LabelledQuery], *, bins: int = 10
) -> Metrics:
    present = absent = linked = right_links = false_links = top1 = top5 = 0
    confidence: list[tuple[float, bool]] = []
    for query in queries:
        result = match(query)
        first = result.candidates[0] if result.candidates else None
        if query.reg_number is None:
            absent += 1
            false_links += result.linked is not None
            if first:
                confidence.append((first.probability, False))
            continue
        present += 1
        ranked = [c.reg_number for c in result.candidates[:5]]
        top1 += bool(ranked) and ranked[0] == query.reg_number
        top5 += query.reg_number in ranked
        if result.linked is not None:
            linked += 1
            right_links += result.linked.reg_number == query.reg_number
        if first:
            confidence.append((first.probability, first.reg_number == query.reg_number))
    error = 0.0
    for b in range(bins):
        inside = [
            (p, ok)
            for p, ok in confidence
            if b / bins <= p < (b + 1) / bins or (b == bins - 1 and p == 1.0)
        ]
        if inside:
            mean_p = sum(p for p, _ in inside) / len(inside)
            accuracy = sum(ok for _, ok in inside) / len(inside)
            error += len(inside) / len(confidence) * abs(mean_p - accuracy)
    return Metrics(
        present=present,
        absent=absent,
        auto_link_rate=_share(linked, present),
        auto_link_precision=_share(right_links, linked),
        false_link_rate=_share(false_links, absent),
        top1_accuracy=_share(top1, present),
        top5_recall=_share(top5, present),
        calibration_error=error,
    )
