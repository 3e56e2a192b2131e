"""The certification report's charts: status bars for the table and the totals chart (the
geometry is app/charts). Pure Python."""

from __future__ import annotations

from dataclasses import dataclass

from app.charts import BarChart, bar_chart

BAR_HEIGHT = 22
GAP = 8
WIDTH = 100  # the status bars of the report table are a share of a 100-unit viewBox


@dataclass(frozen=True)
class Bar:
    key: str
    label: str
    count: int
    share: float  # 0-100, of the largest count
    y: int


def status_bars(totals: dict[str, int], labels: dict) -> list[Bar]:
    """One bar per status, scaled to the largest count."""
    largest = max(totals.values(), default=0) or 1
    bars = []
    for index, (key, count) in enumerate(totals.items()):
        share = round(WIDTH * count / largest, 2)
        bars.append(Bar(key, str(labels.get(key, key)), count, share, index * (BAR_HEIGHT + GAP)))
    return bars


def chart_height(bars: list[Bar]) -> int:
    return len(bars) * (BAR_HEIGHT + GAP)


def status_chart(totals: dict[str, int], labels: dict, rtl: bool) -> BarChart:
    """The certification report's totals per status as labelled bars."""
    return bar_chart([(key, str(labels.get(key, key)), count) for key, count in totals.items()],
                     rtl)  # fmt: skip
