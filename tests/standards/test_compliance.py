"""The pure status computation: thresholds, window edges, overrides, observations, charts."""

from datetime import date, timedelta

import pytest

from app.standards import charts, compliance
from app.standards.compliance import Evidence, Rule

TODAY = date(2026, 3, 15)
RULE = Rule("STD-03", met=0.8, developing=0.5, criteria=frozenset({"restate", "policy_speak"}))


def _items(values, on=TODAY, standard="STD-03"):
    return [Evidence(standard, v, on, "observation", i) for i, v in enumerate(values)]


@pytest.mark.parametrize(
    ("values", "status"),
    [
        ([1, 1, 1, 1, 0], "met"),  # 0.8: exactly the met threshold
        ([1, 1, 1, 0.5, 0.5, 1, 1, 1, 1, 0], "met"),  # 0.8 from halves
        ([1, 1, 1, 0, 0.9], "developing"),  # 0.78: just under
        ([1, 0], "developing"),  # 0.5: exactly the developing threshold
        ([1, 0, 0.49999], "not_met"),
        ([0], "not_met"),
        ([], "no_evidence"),
    ],
)
def test_status_at_the_thresholds(values, status):
    assert compliance.assess(_items(values), RULE, TODAY, 30).status == status


def test_seventeen_of_twenty_meets_a_085_threshold_despite_float_rounding():
    assert compliance.status_for(17 / 20, 0.85, 0.6) == "met"
    assert compliance.status_for(0.1 + 0.7, 0.8, 0.5) == "met"  # 0.7999999999999999


def test_window_edges():
    first = compliance.window_start(TODAY, 30)
    assert first == TODAY - timedelta(days=29)
    inside = _items([0], on=first) + _items([1], on=TODAY)
    outside = _items([0], on=first - timedelta(days=1)) + _items([0], on=TODAY + timedelta(1))
    result = compliance.assess(inside + outside, RULE, TODAY, 30)
    assert (result.count, result.score, result.status) == (2, 0.5, "developing")
    tomorrow = compliance.assess(inside, RULE, TODAY + timedelta(days=1), 30)
    assert (tomorrow.count, tomorrow.status) == (1, "met")  # the oldest item has left


def test_other_standards_evidence_is_ignored():
    result = compliance.assess(_items([0, 0], standard="STD-01"), RULE, TODAY, 30)
    assert result == compliance.Assessment("no_evidence", None, 0)


def _detail(criteria, violations):
    return {"kind": "roleplay", "result": {"criteria": criteria, "violations": violations}}


def test_required_and_forbidden_criteria_values():
    detail = _detail({"restate": True, "apology": False}, {"policy_speak": True, "jargon": False})
    assert compliance.criterion_values(detail, None) == {
        "restate": 1.0, "apology": 0.0, "policy_speak": 0.0, "jargon": 1.0,
    }  # fmt: skip


def test_override_replaces_only_the_criteria_it_names():
    detail = _detail({"restate": False, "apology": False}, {"policy_speak": True})
    values = compliance.criterion_values(detail, {"restate": True, "policy_speak": False})
    assert values == {"restate": 1.0, "apology": 0.0, "policy_speak": 1.0}


def test_dialogue_turns_count_once_per_answer():
    detail = {
        "kind": "dialogue",
        "turns": [
            _detail({"restate": False}, {"policy_speak": False}),
            _detail({"restate": True}, {"policy_speak": True}),
        ],
    }
    assert compliance.criterion_values(detail, None) == {"restate": 1.0, "policy_speak": 0.0}


def test_roleplay_evidence_maps_criteria_to_standards():
    detail = _detail({"restate": True, "apology": True}, {"policy_speak": False})
    found = compliance.roleplay_evidence(detail, None, [RULE], TODAY, 7)
    assert sorted((e.label, e.value, e.ref_id) for e in found) == [
        ("policy_speak", 1.0, 7), ("restate", 1.0, 7),
    ]  # fmt: skip


def test_observation_outcome_and_critical_failure():
    assert compliance.observation_outcome([("met", False), ("partly", False), ("na", False)]) == (
        0.75, False,
    )  # fmt: skip
    assert compliance.observation_outcome([("met", False), ("not_met", True)]) == (0.0, True)
    assert compliance.observation_outcome([("met", False), ("not_met", False)]) == (0.5, False)
    assert compliance.observation_outcome([("partly", True)]) == (0.5, False)


def test_kpi_direction():
    assert compliance.kpi_value(20, 20, "at_most") == 1.0
    assert compliance.kpi_value(21, 20, "at_most") == 0.0
    assert compliance.kpi_value(85, 85, "at_least") == 1.0
    assert compliance.kpi_value(84.9, 85, "at_least") == 0.0


def test_spread_needs_two_agents_with_evidence():
    assert compliance.spread([0.9, None, 0.4]) == pytest.approx(0.5)
    assert compliance.spread([0.9, None]) is None


def test_sparkline_steps_through_status_changes():
    first, last = date(2025, 3, 15), date(2026, 3, 15)
    line = charts.sparkline(
        [(date(2025, 1, 1), "developing"), (date(2025, 9, 1), "met")], first, last
    )
    points = [tuple(map(float, p.split(","))) for p in line.points.split()]
    assert points[0][0] == 3 and points[-1][0] == 117  # from edge to edge
    assert points[0][1] > points[-1][1]  # developing is drawn lower than met
    assert len(points) == 4  # start, step across, step up, carry on to today
    assert charts.sparkline([], first, last) is None


def test_each_source_counts_with_its_weight():
    observed = Evidence("STD-03", 1.0, TODAY, "observation", 1)
    heard = [Evidence("STD-03", 0.0, TODAY, "conversation", n, weight=0.25) for n in range(4)]
    result = compliance.assess([observed, *heard], RULE, TODAY, 30)
    assert result.score == 0.5 and result.status == "developing" and result.count == 5
    ignored = [Evidence("STD-03", 0.0, TODAY, "conversation", 9, weight=0.0)]
    assert compliance.assess(ignored, RULE, TODAY, 30).status == "no_evidence"
