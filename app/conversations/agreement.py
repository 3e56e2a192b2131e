"""Agreement between reviewers who rated the same things: percent agreement and
Krippendorff's alpha. Pure Python: no Flask, no database.

Reliability data is a list of rows, one per reviewer, each with one value per unit (None where
that reviewer gave no value). Alpha follows Krippendorff, "Computing Krippendorff's
Alpha-Reliability" (2011): values are paired within each unit, every pair weighted by
1 / (values in the unit - 1), into a coincidence matrix; alpha = 1 - observed disagreement /
expected disagreement. Units with fewer than two values carry no pair and are left out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Sequence
from itertools import permutations

Value = Hashable
Metric = Callable[[Value, Value, dict], float]

LEVELS = ("nominal", "ordinal", "interval", "ratio")


def _nominal(c, k, _totals) -> float:
    return 0.0 if c == k else 1.0


def _interval(c, k, _totals) -> float:
    return float(c - k) ** 2


def _ratio(c, k, _totals) -> float:
    return 0.0 if c + k == 0 else ((c - k) / (c + k)) ** 2


def _ordinal(c, k, totals) -> float:
    """(sum of the marginal counts from c to k, minus half of those of c and k) squared."""
    low, high = (c, k) if c <= k else (k, c)
    between = sum(n for value, n in totals.items() if low <= value <= high)
    return (between - (totals[c] + totals[k]) / 2) ** 2


METRICS: dict[str, Metric] = {
    "nominal": _nominal,
    "ordinal": _ordinal,
    "interval": _interval,
    "ratio": _ratio,
}


def units_of(rows: Sequence[Sequence[Value | None]]) -> list[list[Value]]:
    """The values given to each unit (column), missing ones left out."""
    width = max((len(row) for row in rows), default=0)
    if any(len(row) != width for row in rows):
        raise ValueError("every reviewer's row needs one entry per unit")
    return [[row[u] for row in rows if row[u] is not None] for u in range(width)]


def coincidences(units: Sequence[Sequence[Value]]) -> Counter:
    """The coincidence matrix as {(c, k): weight} over the pairable units."""
    matrix: Counter = Counter()
    for values in units:
        m = len(values)
        if m < 2:
            continue
        for c, k in permutations(values, 2):
            matrix[(c, k)] += 1 / (m - 1)
    return matrix


def alpha(rows: Sequence[Sequence[Value | None]], level: str = "nominal") -> float | None:
    """Krippendorff's alpha of the reliability data at a level of measurement (nominal,
    ordinal, interval or ratio). None when it is not defined: fewer than two pairable values,
    or every pairable value the same (no variation to agree on)."""
    if level not in METRICS:
        raise ValueError(f"unknown level of measurement {level!r} (known: {', '.join(LEVELS)})")
    matrix = coincidences(units_of(rows))
    totals: Counter = Counter()
    for (c, _k), weight in matrix.items():
        totals[c] += weight
    n = sum(totals.values())
    if n < 2 or len(totals) < 2:
        return None
    metric = METRICS[level]
    observed = sum(w * metric(c, k, totals) for (c, k), w in matrix.items())
    expected = sum(
        totals[c] * totals[k] * metric(c, k, totals) for c in totals for k in totals
    ) / (n - 1)  # fmt: skip
    return 1 - observed / expected


def percent_agreement(rows: Sequence[Sequence[Value | None]]) -> float | None:
    """The share of pairs of values given to the same unit that are equal (0-1); None when no
    unit has two values."""
    agree = pairs = 0
    for values in units_of(rows):
        m = len(values)
        pairs += m * (m - 1) // 2
        agree += sum(n * (n - 1) // 2 for n in Counter(values).values())
    return agree / pairs if pairs else None


def deviations(rows: dict[str, Sequence[float | None]],
               reference: Sequence[float | None] | None = None) -> dict[str, float | None]:  # fmt: skip
    """Each reviewer's mean absolute distance, over the units they rated, from the reference
    value of the unit (the agreed one) where there is one, else from the mean of the other
    reviewers' values for that unit. None for a reviewer with nothing to compare."""
    found: dict[str, float | None] = {}
    for name, row in rows.items():
        distances = []
        for u, value in enumerate(row):
            if value is None:
                continue
            target = reference[u] if reference is not None else None
            if target is None:
                target = _others_mean(rows, name, u)
            if target is not None:
                distances.append(abs(value - target))
        found[name] = sum(distances) / len(distances) if distances else None
    return found


def _others_mean(rows: dict[str, Sequence[float | None]], name: str, u: int) -> float | None:
    others = [row[u] for other, row in rows.items() if other != name and row[u] is not None]
    return sum(others) / len(others) if others else None
