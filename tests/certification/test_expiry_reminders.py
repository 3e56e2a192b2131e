"""Reminders before a certificate expires: to the holder and the holder's manager, on the days
courses/certifications.yaml names, each once, in each person's language, by the daily job."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.certification.models import Certificate, Certification
from app.content.services import check_content, sync_content
from app.extensions import db
from app.notifications.mail import build_email
from app.notifications.models import Notification
from app.notifications.services import notify
from tests.certification.helpers import (
    CERTIFICATIONS,
    complete,
    run_daily,
    travel,
    with_certifications,
)
from tests.content_tree import write

START = date(2026, 3, 1)
EXPIRES = START + timedelta(days=365)


@pytest.fixture
def holder(app, content_root, make_user, make_team, monkeypatch):
    """An English-speaking agent on an Arabic-speaking manager's team, certified on START."""
    travel(monkeypatch, app, START)
    with_certifications(content_root)
    manager = make_user("manager", locale="ar")
    team = make_team(code="care-1", manager=manager)
    agent = make_user("agent", team=team, locale="en")
    complete(agent, "basics")
    complete(agent, "talking")
    return agent


def _reminders(kind):
    query = select(Notification).where(Notification.kind == kind).order_by(Notification.id)
    return db.session.scalars(query).all()


def _days_reminded(kind):
    return [int(note.dedupe_key.split(":")[2]) for note in _reminders(kind)]


def _starter(agent):
    return db.session.scalar(
        select(Certificate).where(
            Certificate.user_id == agent.id, Certificate.certification_id == "starter"
        )
    )


def test_a_certificate_life_with_each_reminder_on_its_day_and_only_once(
    holder, app, runner, monkeypatch
):
    certificate = _starter(holder)
    assert (certificate.valid_from, certificate.expires_on) == (START, EXPIRES)
    expected: list[int] = []
    # (days before expiry, reminder that day): the days around each reminder day, the last
    # valid day (0) and the day after expiry (-1).
    walk = [(365, None), (200, None), (91, None), (90, 90), (89, None), (61, None), (60, 60),
            (59, None), (31, None), (30, 30), (29, None), (8, None), (7, 7), (6, None),
            (1, None), (0, None), (-1, None)]  # fmt: skip
    for days_left, due in walk:
        travel(monkeypatch, app, EXPIRES - timedelta(days=days_left))
        run_daily(runner)
        run_daily(runner)  # a second run the same day sends nothing more
        if due:
            expected.append(due)
        assert _days_reminded("certificate_expiring") == expected, days_left
        assert _days_reminded("team_certificate_expiring") == expected, days_left
        db.session.expire_all()
        expired = _starter(holder).expired_at is not None
        assert expired == (days_left < 0), days_left
    assert {n.user_id for n in _reminders("certificate_expiring")} == {holder.id}
    assert {n.user_id for n in _reminders("team_certificate_expiring")} == {holder.team.manager_id}
    assert len(_reminders("certificate_expired")) == 1


def test_reminders_are_written_in_each_recipients_language(holder, app, runner, monkeypatch):
    travel(monkeypatch, app, EXPIRES - timedelta(days=30))
    run_daily(runner)
    [to_agent] = _reminders("certificate_expiring")
    [to_manager] = _reminders("team_certificate_expiring")
    assert to_agent.link == "/certificates"
    assert to_manager.link == f"/certification/certificates/{_starter(holder).id}"
    manager = holder.team.manager
    english = build_email(to_agent, holder)["Subject"]
    arabic = build_email(to_manager, manager)["Subject"]
    assert english == "Khidma: Reminder: your certificate Starter expires on March 1, 2027."
    assert "شهادة المبتدئ" in arabic and holder.name_ar in arabic
    assert arabic.startswith("خدمة: تذكير: ")
    assert "2027" in arabic or "٢٠٢٧" in arabic


def test_a_missed_day_sends_the_reminder_the_day_after_but_never_an_earlier_one(
    holder, app, runner, monkeypatch
):
    travel(monkeypatch, app, EXPIRES - timedelta(days=59))  # the job did not run on day 60 (nor 90)
    run_daily(runner)
    assert _days_reminded("certificate_expiring") == [60]
    travel(monkeypatch, app, EXPIRES - timedelta(days=58))
    run_daily(runner)
    assert _days_reminded("certificate_expiring") == [60]


def test_a_revoked_certificate_and_a_manager_who_left_get_no_reminders(
    holder, app, runner, monkeypatch
):
    manager = holder.team.manager
    manager.active = False
    db.session.commit()
    travel(monkeypatch, app, EXPIRES - timedelta(days=90))
    run_daily(runner)
    assert _days_reminded("certificate_expiring") == [90]
    assert _reminders("team_certificate_expiring") == []
    _starter(holder).revoked_at = _starter(holder).issued_at
    db.session.commit()
    travel(monkeypatch, app, EXPIRES - timedelta(days=60))
    run_daily(runner)
    assert _days_reminded("certificate_expiring") == [90]


def test_days_come_from_certifications_yaml(app, content_root, make_user, runner, monkeypatch):
    travel(monkeypatch, app, START)
    text = CERTIFICATIONS.replace(
        "    renew_window_days: 30\n", "    renew_window_days: 30\n    reminder_days: [3, 14]\n", 1
    )
    write(content_root, "courses/certifications.yaml", text)
    sync_content(content_root)
    db.session.commit()
    assert db.session.get(Certification, "starter").reminder_days == [14, 3]
    assert db.session.get(Certification, "quizzer").reminder_days == [90, 60, 30, 7]
    agent = make_user("agent")
    complete(agent, "basics")
    complete(agent, "talking")
    for days_left in (90, 30, 15, 14, 4, 3, 2):
        travel(monkeypatch, app, EXPIRES - timedelta(days=days_left))
        run_daily(runner)
    assert _days_reminded("certificate_expiring") == [14, 3]


def test_the_daily_job_reports_the_reminders_it_queued(holder, app, runner, monkeypatch):
    travel(monkeypatch, app, EXPIRES - timedelta(days=7))
    assert "certificate expiry reminders: holders=1, managers=1" in run_daily(runner)
    assert "certificate expiry reminders: holders=0, managers=0" in run_daily(runner)
    # the reminder's key is its own: another message to the same person does not stop it
    assert notify(holder.id, "certificate_expiring", {"certification": "x", "until": "y"},
                  dedupe_key=_reminders("certificate_expiring")[0].dedupe_key) is None  # fmt: skip


def test_content_check_names_the_line_of_bad_reminder_days(content_root):
    write(content_root, "courses/certifications.yaml", """
        certifications:
          - id: short
            title: Short
            summary: Short
            requires: {courses: [basics]}
            valid_for_days: 60
            renew_window_days: 10
            refresher_courses: [basics]
            reminder_days: [90, 30]
          - id: twice
            title: Twice
            summary: Twice
            requires: {courses: [basics]}
            valid_for_days: 365
            renew_window_days: 10
            refresher_courses: [basics]
            reminder_days: [30, 7, 30]
          - id: zero
            title: Zero
            summary: Zero
            requires: {courses: [basics]}
            valid_for_days: 365
            renew_window_days: 10
            refresher_courses: [basics]
            reminder_days: [30, 0]
        """)  # fmt: skip
    assert [str(p) for p in check_content(content_root)[1]] == [
        "courses/certifications.yaml:9: certifications[0].reminder_days: "
        "every day must be fewer than valid_for_days",
        "courses/certifications.yaml:17: certifications[1].reminder_days: name each day once",
        "courses/certifications.yaml:25: certifications[2].reminder_days[1]: "
        "Input should be greater than or equal to 1",
    ]
