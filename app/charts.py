"""Charts drawn on the server as SVG geometry (no script, no inline style: the CSP forbids
both). Templates (templates/_charts.html) place the shapes computed here, give each chart a
title and a description for screen readers, and follow it with the figures as a table.
Right to left, the x axis runs from the right: bars grow leftwards and time flows leftwards.
Pure Python."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

# --- a horizontal bar chart with its labels ----------------------------------------------------


@dataclass(frozen=True)
class LabelledBar:
    key: str
    label: str
    value: int
    x: float  # the rectangle
    width: float
    y: float
    label_x: float  # where the label's text starts (its right edge when right to left)
    value_x: float  # where the figure's text starts, just past the end of the bar
    text_y: float


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    bars: list[LabelledBar]
    rtl: bool


def bar_chart(items: list[tuple[str, str, int]], rtl: bool, width: int = 640,
              label_width: int = 210, row: int = 30) -> BarChart:  # fmt: skip
    """(key, label, value) rows as bars after their labels, scaled to the largest value, with
    room for the figure past the longest bar."""
    largest = max((value for _key, _label, value in items), default=0) or 1
    room = width - label_width - 60
    bars = []
    for index, (key, label, value) in enumerate(items):
        length = round(room * value / largest, 1)
        start, y = label_width, index * row + 4
        bar = LabelledBar(key, label, value, start, length, y, 0, start + length + 6, y + 16)
        bars.append(_mirrored(bar, width) if rtl else bar)
    return BarChart(width, max(len(items), 1) * row + 4, bars, rtl)


def _mirrored(bar: LabelledBar, width: int) -> LabelledBar:
    return LabelledBar(bar.key, bar.label, bar.value, round(width - bar.x - bar.width, 1),
                       bar.width, bar.y, width - bar.label_x, round(width - bar.value_x, 1),
                       bar.text_y)  # fmt: skip


# --- a line over time --------------------------------------------------------------------------


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str  # the time it stands for
    value: float


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    lines: list[str]  # polyline "x,y x,y" runs; a missing value breaks the line
    points: list[Point]
    ticks: list[tuple[float, str]]  # (x, label) under the axis: first, middle and last
    grid: list[tuple[float, str]]  # (y, label) of the horizontal lines: 0, half and top
    top: float
    rtl: bool
    axis_x: float  # where the y labels go: the start side
    plot: tuple[float, float]  # the x extent of the plotted area (for the grid lines)


def line_chart(values: list[tuple[str, float | None]], top: float, rtl: bool,
               width: int = 320, height: int = 140, top_label: str = "") -> LineChart:  # fmt: skip
    """One value per period (label, value or None), oldest first, on a 0..top scale."""
    left, right, above, below = 34, 10, 8, 22
    span_x, span_y = width - left - right, height - above - below
    top = top or 1
    count = max(len(values) - 1, 1)

    def x_of(index: int) -> float:
        x = left + span_x * index / count
        return round(width - x if rtl else x, 1)

    def y_of(value: float) -> float:
        return round(above + span_y * (1 - min(max(value, 0), top) / top), 1)

    points, lines, run = [], [], []
    for index, (label, value) in enumerate(values):
        if value is None:
            lines, run = _close(lines, run), []
            continue
        point = Point(x_of(index), y_of(value), label, value)
        points.append(point)
        run.append(f"{point.x},{point.y}")
    lines = _close(lines, run)
    middle = len(values) // 2
    ticks = [(x_of(i), values[i][0]) for i in sorted({0, middle, len(values) - 1}) if values]
    grid = [(y_of(v), label) for v, label in ((0, "0"), (top / 2, ""), (top, top_label))]
    plot = (right, width - left) if rtl else (left, width - right)
    return LineChart(width, height, lines, points, ticks, grid, top, rtl,
                     width - 4 if rtl else 4, plot)  # fmt: skip


def _close(lines: list[str], run: list[str]) -> list[str]:
    if len(run) == 1:  # a single point still shows, as a dot drawn by the template
        return lines
    return [*lines, " ".join(run)] if run else lines


def month_ends(today: date, months: int) -> list[date]:
    """The last day of each of the `months - 1` months before this one, then today."""
    ends = [today]
    for _month in range(months - 1):
        ends.insert(0, ends[0].replace(day=1) - timedelta(days=1))
    return ends
