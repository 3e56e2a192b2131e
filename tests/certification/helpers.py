"""Shared by the certification, assignment and report tests: a content tree with
certifications, finishing courses as an agent would, and travelling in time."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from sqlalchemy import select

from app import clock
from app.content.services import sync_content
from app.courses import services as courses
from app.courses.models import Course
from app.extensions import db
from app.quizzes.models import Attempt, Quiz
from app.standards.models import Acknowledgement, ComplianceStatus, StandardsVersion
from tests.content_tree import write

CERTIFICATIONS = """
certifications:
  - id: starter
    title: {ar: "شهادة المبتدئ", en: "Starter"}
    summary: "Basics and talking"
    requires:
      courses: [basics, talking]
    valid_for_days: 365
    renew_window_days: 30
    refresher_courses: [basics]
  - id: quizzer
    title: {ar: "شهادة الاختبار", en: "Quizzer"}
    summary: "The basics quiz and the current standards"
    requires:
      quizzes: [basics-quiz]
      acknowledge_standards: true
    valid_for_days: 180
    renew_window_days: 20
    refresher_courses: [basics]
  - id: excellence
    title: {ar: "شهادة التميز", en: "Excellence"}
    summary: "Talking and two standards met"
    requires:
      courses: [talking]
      standards_met: [STD-01, STD-02]
    valid_for_days: 730
    renew_window_days: 60
    refresher_courses: [talking]
"""


def with_certifications(root):
    """Add courses/certifications.yaml to the small content tree and load it all."""
    write(root, "courses/certifications.yaml", CERTIFICATIONS)
    sync_content(root)
    db.session.commit()
    return root


def at(day, hour=9) -> datetime:
    """A moment on a local day (tests run the clock in UTC+3, so 9:00 local is 6:00 UTC)."""
    return datetime.combine(day, time(hour), UTC) - timedelta(hours=3)


def travel(monkeypatch, app, day, hour=9) -> None:
    monkeypatch.setitem(app.config, "FIXED_NOW", at(day, hour))


def pass_quiz(user, quiz_id="basics-quiz", when=None, key=None):
    """A passed attempt, as the quiz flow stores it, then the completion check it triggers."""
    quiz = db.session.get(Quiz, quiz_id)
    moment = when or clock.now()  # the installation's clock, which the tests move
    db.session.add(Attempt(
        user_id=user.id, quiz_id=quiz_id, quiz_version_id=quiz.current_version_id,
        idempotency_key=key or f"k-{user.id}-{quiz_id}-{moment.timestamp()}", started_at=moment,
        submitted_at=moment, locale="en", auto_score=100, auto_passed=True, pass_mark=70,
    ))  # fmt: skip
    db.session.flush()
    courses.refresh_completion(user.id, quiz.course_id)
    db.session.commit()


def read_lessons(user, course_id):
    """Mark every lesson of a course done (completing it when it has no quiz left)."""
    course = db.session.get(Course, course_id)
    for lesson in courses.active_lessons(course):
        courses.mark_lesson_done(user, lesson)
    db.session.commit()


def complete(user, course_id):
    read_lessons(user, course_id)
    for quiz_id in db.session.get(Course, course_id).quiz_ids:
        pass_quiz(user, quiz_id)


def publish_standards(version="2026.1", published=None):
    row = StandardsVersion(version=version, published=published or datetime(2026, 1, 1).date(),
                           definition={"standards": []})  # fmt: skip
    db.session.add(row)
    db.session.commit()
    return row


def acknowledge(user, version_row):
    db.session.add(Acknowledgement(user_id=user.id, version_id=version_row.id))
    db.session.commit()


def set_status(user, standard_id, status, day):
    row = db.session.scalar(
        select(ComplianceStatus).where(
            ComplianceStatus.user_id == user.id, ComplianceStatus.standard_id == standard_id
        )
    )
    if row is None:
        row = ComplianceStatus(user_id=user.id, standard_id=standard_id, since=day)
        db.session.add(row)
    row.status, row.computed_on = status, day
    db.session.commit()


def run_daily(runner):
    result = runner.invoke(args=["jobs", "run-daily"])
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result.output
