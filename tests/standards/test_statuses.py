"""Statuses from stored evidence, their history, remediation and the daily job."""

from datetime import date, timedelta

from sqlalchemy import func, select

from app.assignments.models import Assignment
from app.extensions import db
from app.notifications.models import Notification
from app.quizzes.models import ScoreOverride
from app.standards import services
from app.standards.models import ComplianceChange
from tests.standards.conftest import NOW

TODAY = date(2026, 3, 15)


def _recompute(**kwargs):
    counts = services.recompute_statuses(**kwargs)
    db.session.commit()
    return counts


def _status(agent, standard):
    return services.current_statuses([agent.id]).get((agent.id, standard))


def test_roleplay_criteria_set_the_status_with_the_window_edges(team, roleplay, now):
    agent = team["agents"][0]
    window_start = NOW - timedelta(days=29)  # the first day of a 30-day window
    roleplay(agent, window_start, criteria={"restate": True}, violations={"policy_speak": False})
    roleplay(agent, NOW, criteria={"restate": False}, violations={"policy_speak": False})
    _recompute()
    assert _status(agent, "STD-03") == "developing"  # 1 of 2
    assert _status(agent, "STD-07") == "met"  # avoided twice
    assert _status(agent, "STD-01") == "no_evidence"
    now(NOW + timedelta(days=1))  # the older answer leaves the window
    _recompute()
    assert _status(agent, "STD-03") == "not_met"


def test_manager_override_replaces_the_automatic_value(team, roleplay):
    agent = team["agents"][0]
    attempt = roleplay(agent, NOW, criteria={"restate": False}, violations={"policy_speak": True})
    _recompute()
    assert (_status(agent, "STD-03"), _status(agent, "STD-07")) == ("not_met", "not_met")
    for flags in ({"restate": False}, {"restate": True, "policy_speak": False}):  # newest wins
        db.session.add(ScoreOverride(attempt_id=attempt.id, manager_id=team["manager"].id,
                                     criteria=flags, score=80, passed=True, reason="reviewed"))  # fmt: skip
        db.session.commit()
    _recompute()
    assert (_status(agent, "STD-03"), _status(agent, "STD-07")) == ("met", "met")


def test_kpis_count_against_their_target_and_direction(team, add_kpi):
    agent = team["agents"][0]
    add_kpi(agent, "answer_time_seconds", TODAY, 19)
    add_kpi(agent, "answer_time_seconds", TODAY - timedelta(days=7), 25)
    add_kpi(agent, "csat_pct", TODAY, 90)
    add_kpi(agent, "csat_pct", TODAY - timedelta(days=30), 10)  # ended before the window
    _recompute()
    assert _status(agent, "STD-01") == "developing"
    assert _status(agent, "STD-10") == "met"


def test_changes_only_are_stored_and_a_second_run_changes_nothing(team, roleplay, now):
    agent = team["agents"][0]
    roleplay(agent, NOW, criteria={"restate": True})
    first = _recompute()
    rows = db.session.scalar(select(func.count(ComplianceChange.id)))
    assert first["changed"] == rows == 4 * 3  # every standard of every agent, first time
    assert _recompute()["changed"] == 0
    now(NOW + timedelta(days=40))
    assert _recompute(user_ids=[agent.id])["changed"] == 1  # STD-03 back to no evidence
    history = db.session.execute(
        select(ComplianceChange.status, ComplianceChange.changed_on)
        .where(ComplianceChange.user_id == agent.id, ComplianceChange.standard_id == "STD-03")
        .order_by(ComplianceChange.id)
    ).all()
    assert history == [("met", TODAY), ("no_evidence", TODAY + timedelta(days=40))]


def _remediations(agent):
    return db.session.scalars(
        select(Assignment).where(Assignment.user_id == agent.id, Assignment.source == "remediation")
    ).all()


def test_not_met_assigns_the_remedial_course_once_and_notifies(team, roleplay, now, runner):
    agent = team["agents"][0]
    roleplay(agent, NOW, criteria={"restate": False})
    result = runner.invoke(args=["jobs", "run-daily"])
    assert result.exit_code == 0, result.output
    assert "standards:" in result.output
    (assignment,) = _remediations(agent)
    assert assignment.course_id == "talking" and assignment.is_open
    assert assignment.due_date == TODAY + timedelta(days=14)
    assert "STD-03" in assignment.note
    kinds = set(db.session.execute(select(Notification.user_id, Notification.kind)).all())
    assert (agent.id, "remedial_assigned") in kinds
    assert (team["manager"].id, "team_remedial_assigned") in kinds
    # Again the same night, and after the status went up and fell again: still one open
    assert runner.invoke(args=["jobs", "run-daily"]).exit_code == 0
    roleplay(agent, NOW, criteria={"restate": True})
    roleplay(agent, NOW, criteria={"restate": True})
    _recompute()
    now(NOW + timedelta(days=2))
    for _ in range(3):
        roleplay(agent, NOW + timedelta(days=2), criteria={"restate": False})
    _recompute()
    assert _status(agent, "STD-03") == "not_met"
    assert len(_remediations(agent)) == 1


def test_remediation_again_once_the_earlier_one_is_done(team, roleplay, now):
    agent = team["agents"][0]
    roleplay(agent, NOW, criteria={"restate": False})
    _recompute()
    (first,) = _remediations(agent)
    first.completed_at = NOW + timedelta(days=3)
    db.session.commit()
    now(NOW + timedelta(days=31))  # no evidence, then a new failure
    _recompute()
    roleplay(agent, NOW + timedelta(days=31), criteria={"restate": False})
    _recompute()
    assert len(_remediations(agent)) == 2


def test_no_remediation_when_the_course_is_already_open(team, roleplay, make_user):
    agent = team["agents"][0]
    db.session.add(Assignment(user_id=agent.id, course_id="talking", source="manager"))
    db.session.commit()
    roleplay(agent, NOW, criteria={"restate": False})
    assert _recompute()["remedial_assigned"] == 0
