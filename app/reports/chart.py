"""Bar charts drawn on the server as SVG geometry (no script, no inline style: the CSP forbids
both), with the numbers also written as text for screen readers and print."""

from __future__ import annotations

from dataclasses import dataclass

BAR_HEIGHT = 22
GAP = 8
WIDTH = 100  # the SVG's viewBox is 100 units wide; bars are a share of it


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
