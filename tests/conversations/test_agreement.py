"""Krippendorff's alpha and percent agreement: Krippendorff's own worked example (reliability
data with missing values, 2011), and random matrices against the `krippendorff` package."""

import random

import numpy as np
import pytest
from krippendorff import alpha as reference_alpha

from app.conversations.agreement import alpha, deviations, percent_agreement

_ = None
# "Computing Krippendorff's Alpha-Reliability" (2011), section C: 4 observers, 12 units.
KRIPPENDORFF_2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, _, _, _],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, _, 3],
    [_, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, _],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, _],
]


@pytest.mark.parametrize(
    ("level", "expected"),
    [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)],
)
def test_krippendorffs_worked_example(level, expected):
    assert alpha(KRIPPENDORFF_2011, level) == pytest.approx(expected, abs=5e-4)


def test_the_worked_example_by_hand():
    # Nominal: 40 pairable values (unit 12 has one and drops out) with the marginals n_c of
    # the paper's coincidence matrix; 32 of the 40 weighted pairs agree, so the observed
    # disagreement is 8/40 and the expected one 1 - sum(n_c (n_c - 1)) / (n (n - 1)).
    n = {1: 9, 2: 13, 3: 10, 4: 5, 5: 3}
    expected = 1 - sum(v * (v - 1) for v in n.values()) / (40 * 39)
    assert alpha(KRIPPENDORFF_2011) == pytest.approx(1 - (8 / 40) / expected, abs=1e-12)


def _as_array(rows):
    return np.array([[np.nan if v is None else v for v in row] for row in rows], dtype=float)


def _random_rows(rng: random.Random, values: list, missing: float):
    coders, units = rng.randint(2, 6), rng.randint(2, 25)
    return [[None if rng.random() < missing else rng.choice(values) for _u in range(units)]
            for _c in range(coders)]  # fmt: skip


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
def test_random_matrices_match_the_krippendorff_package(level):
    rng = random.Random(20261221)
    compared = 0
    for _round in range(200):
        values = rng.choice([[0, 1], [0, 0.5, 1], [1, 2, 3, 4, 5]])
        rows = _random_rows(rng, values, rng.choice([0, 0.2, 0.5]))
        ours = alpha(rows, level)
        try:
            with np.errstate(invalid="ignore", divide="ignore"):  # the package's undefined case
                theirs = reference_alpha(_as_array(rows), level_of_measurement=level)
        except ValueError:  # the package refuses data with one value only
            assert ours is None
            continue
        if np.isnan(theirs):
            assert ours is None
            continue
        assert ours == pytest.approx(theirs, abs=1e-9), rows
        compared += 1
    assert compared > 150


def test_nominal_alpha_on_categories_that_are_not_numbers():
    rows = [["met", "met", "not_met", "na"], ["met", "partly", "not_met", "na"],
            ["met", "met", "met", "na"]]  # fmt: skip
    codes = {"met": 1, "partly": 2, "not_met": 3, "na": 4}
    numeric = [[codes[v] for v in row] for row in rows]
    assert alpha(rows) == pytest.approx(
        reference_alpha(_as_array(numeric), level_of_measurement="nominal")
    )


def test_undefined_alpha_and_bad_input():
    assert alpha([[1, 1], [1, 1]]) is None  # no variation
    assert alpha([[1, None], [None, 2]]) is None  # no unit with two values
    with pytest.raises(ValueError, match="unknown level"):
        alpha([[1, 2]], "cardinal")
    with pytest.raises(ValueError, match="one entry per unit"):
        alpha([[1, 2], [1]])


def test_percent_agreement_counts_pairs_within_units():
    # unit 1: 3 pairs, all agree; unit 2: 3 pairs, one agrees; unit 3: one value, no pair
    rows = [["met", "met", "met"], ["met", "not_met", None], ["met", "not_met", None]]
    assert percent_agreement(rows) == pytest.approx(4 / 6)
    assert percent_agreement([[1, None], [None, 1]]) is None


def test_deviations_from_the_agreed_value_or_from_the_others():
    rows = {"a": [1.0, 1.0], "b": [1.0, 0.0], "c": [0.5, None]}
    assert deviations(rows, [1.0, 1.0]) == {"a": 0.0, "b": 0.5, "c": 0.5}
    # no agreed value: distance from the mean of the others on each unit
    found = deviations(rows)
    assert found["a"] == pytest.approx((0.25 + 1.0) / 2)
    assert found["c"] == pytest.approx(0.5)
    assert deviations({"a": [None], "b": [1.0]}) == {"a": None, "b": None}
