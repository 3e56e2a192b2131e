"""Reminders 7 days before the due date, on the day, then weekly while overdue; the weekly
digest for managers; each created once however often the daily job runs."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.assignments import services
from app.extensions import db
from app.notifications.models import Notification
from tests.certification.helpers import run_daily, travel, with_certifications

ASSIGNED = date(2026, 4, 1)  # a Wednesday
DUE = date(2026, 4, 20)


@pytest.fixture
def assignment(app, content_root, make_user, make_team, monkeypatch):
    travel(monkeypatch, app, ASSIGNED)
    with_certifications(content_root)
    manager = make_user("manager")
    team = make_team(code="t", manager=manager)
    agent = make_user("agent", team=team, hire_date=date(2020, 1, 1))
    result = services.assign_courses(manager, ["talking"], user_ids=[agent.id], due_date=DUE)
    db.session.commit()
    return result.created[0]


def _reminders(user_id):
    query = (
        # The job runs at 9:00 local time (6:00 UTC): the UTC date is the local date.
        select(Notification.kind, Notification.created_at)
        .where(Notification.user_id == user_id)
        .where(Notification.kind.in_(("due_soon", "due_today", "overdue")))
        .order_by(Notification.id)
    )
    return [(kind, created.date()) for kind, created in db.session.execute(query)]


def _run_days(app, runner, monkeypatch, first, last, times=2):
    day = first
    while day <= last:
        travel(monkeypatch, app, day)
        for _ in range(times):
            run_daily(runner)
        day += timedelta(days=1)


def test_schedule_over_a_month_created_once_each(assignment, app, runner, monkeypatch):
    _run_days(app, runner, monkeypatch, ASSIGNED, DUE + timedelta(days=16))
    assert _reminders(assignment.user_id) == [
        ("due_soon", DUE - timedelta(days=7)),
        ("due_today", DUE),
        ("overdue", DUE + timedelta(days=1)),
        ("overdue", DUE + timedelta(days=8)),
        ("overdue", DUE + timedelta(days=15)),
    ]


def test_a_missed_day_is_caught_up_once(assignment, app, runner, monkeypatch):
    travel(monkeypatch, app, DUE - timedelta(days=5))  # the job did not run 7 days before
    run_daily(runner)
    run_daily(runner)
    assert [kind for kind, _ in _reminders(assignment.user_id)] == ["due_soon"]


def test_moving_the_due_date_brings_new_reminders(assignment, app, runner, monkeypatch, make_user):
    travel(monkeypatch, app, DUE)
    run_daily(runner)
    hr = make_user("hr")
    services.change_due_date(hr, assignment, DUE + timedelta(days=10))
    db.session.commit()
    travel(monkeypatch, app, DUE + timedelta(days=10))
    run_daily(runner)
    assert [kind for kind, _ in _reminders(assignment.user_id)] == ["due_today", "due_today"]


def test_completed_or_cancelled_work_is_not_reminded(
    assignment, app, runner, monkeypatch, make_user
):
    services.cancel_assignment(make_user("hr"), assignment)
    db.session.commit()
    travel(monkeypatch, app, DUE)
    run_daily(runner)
    assert _reminders(assignment.user_id) == []


def test_assigned_inside_the_window_gets_no_early_reminder(
    app, content_root, make_user, runner, monkeypatch
):
    travel(monkeypatch, app, ASSIGNED)
    with_certifications(content_root)
    agent = make_user("agent", hire_date=date(2020, 1, 1))
    services.assign_courses(
        make_user("hr"), ["talking"], user_ids=[agent.id], due_date=ASSIGNED + timedelta(3)
    )
    db.session.commit()
    run_daily(runner)
    assert _reminders(agent.id) == []


def test_weekly_digest_once_per_manager_per_week(assignment, app, runner, monkeypatch):
    manager_id = assignment.assigned_by_id
    _run_days(app, runner, monkeypatch, DUE + timedelta(days=1), DUE + timedelta(days=14), times=1)
    digests = db.session.scalars(
        select(Notification).where(
            Notification.user_id == manager_id, Notification.kind == "manager_digest"
        )
    ).all()
    weeks = {note.dedupe_key for note in digests}
    assert len(digests) == len(weeks) == 3  # Tue 21 Apr to Mon 4 May spans three ISO weeks
    assert digests[0].params == {"overdue": 1, "due_soon": 0, "expiring": 0}
