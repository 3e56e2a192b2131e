"""Geometry of the small server-drawn SVG charts (the CSP forbids inline scripts and styles, so
templates only place the shapes computed here). Pure Python."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.standards.compliance import STATUS_LEVEL


@dataclass(frozen=True)
class Sparkline:
    width: int
    height: int
    points: str  # the polyline's "x,y x,y ..." attribute
    last_x: float
    last_y: float


def sparkline(changes: list[tuple[date, str]], first: date, last: date,
              width: int = 120, height: int = 28) -> Sparkline | None:  # fmt: skip
    """A step line of the status level over [first, last] from (date, new status) changes,
    oldest first. The status in force before `first` starts the line."""
    if not changes or last <= first:
        return None
    span = (last - first).days
    pad = 3

    def x(day: date) -> float:
        return round(pad + (width - 2 * pad) * (min(max(day, first), last) - first).days / span, 1)

    def y(status: str) -> float:
        return round(height - pad - (height - 2 * pad) * STATUS_LEVEL[status] / 3, 1)

    before = [status for day, status in changes if day <= first]
    level = before[-1] if before else None
    points: list[tuple[float, float]] = [(x(first), y(level))] if level else []
    for day, status in changes:
        if day <= first:
            continue
        if points:
            points.append((x(day), points[-1][1]))
        points.append((x(day), y(status)))
    if not points:
        return None
    points.append((x(last), points[-1][1]))
    text = " ".join(f"{px},{py}" for px, py in points)
    return Sparkline(width, height, text, points[-1][0], points[-1][1])


@dataclass(frozen=True)
class Bar:
    label: str
    share: float  # 0-1
    y: float
    length: float


def bars(items: list[tuple[str, float]], width: int = 300, row: int = 22) -> list[Bar]:
    """Horizontal bars for shares between 0 and 1, one row each."""
    return [
        Bar(label, share, index * row, round(width * max(0.0, min(1.0, share)), 1))
        for index, (label, share) in enumerate(items)
    ]
