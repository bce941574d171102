"""Bar charts drawn as SVG on the server: no script (the Content Security Policy allows
none inline) and readable without one, each bar with its title and the figures beside it
in a table."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["Bar", "bars"]

WIDTH, HEIGHT, GAP = 640, 160, 6


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    x: float
    y: float
    width: float
    height: float
    title: str


def bars(
    points: list[tuple[str, float]],
    *,
    line: float | None = None,
    title: str = "",
    shown: Callable[[float], str] = "{:g}".format,
) -> dict[str, object]:
    """The geometry of a bar chart of ``points`` (label, value) on a 640×160 canvas, and a
        horizontal line at ``line`` (say, what a plan includes); each bar's title says its value
    as ``shown`` writes it. Negative values are drawn as 0.

        >>> chart = bars([("a", 1), ("b", 3)], line=2)
        >>> [round(b.height) for b in chart["bars"]], round(chart["line_y"])
        ([53, 160], 53)
    """
    top = max([v for _, v in points] + [line or 0, 1])
    step = WIDTH / max(len(points), 1)
    drawn = []
    for n, (label, value) in enumerate(points):
        height = max(value, 0) / top * HEIGHT
        drawn.append(
            Bar(
                label,
                value,
                n * step + GAP / 2,
                HEIGHT - height,
                step - GAP,
                height,
                f"{label}: {value:g}",
            )
        )
    line_y = HEIGHT - line / top * HEIGHT if line is not None else None
    return {"bars": drawn, "line_y": line_y, "width": WIDTH, "height": HEIGHT, "title": title}
