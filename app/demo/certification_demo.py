"""Certificates for the demo company: its experienced agents have completed courses and hold
certificates, one of them expiring within 30 days and one expired, so the HR report shows
every status from the first visit."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from app.certification import services as certification
from app.certification.models import Certificate, Certification
from app.courses.models import Course, CourseCompletion
from app.demo.data import demo_email
from app.extensions import db
from app.models_base import UTC
from app.people.models import User
from app.standards import services as standards

# login -> (courses completed, [(certification, days since it was issued)])
HISTORY = {
    "khalid": (["product-basics", "communication"], [("level-1-service-agent", 345)]),
    "sarah": (
        ["product-basics", "communication", "complaint-handling"],
        [("level-1-service-agent", 200), ("level-2-complaint-handling", 400)],
    ),
    "omar": (
        ["product-basics", "communication", "complaint-handling", "service-standards"],
        [("level-1-service-agent", 120), ("level-2-complaint-handling", 90)],
    ),
    "mona": (["product-basics", "communication"], [("level-1-service-agent", 60)]),
    "tariq": (["product-basics"], []),
}


def load_certification_demo(today: date) -> int:
    """Give the demo's experienced agents their course history and certificates; returns how
    many certificates were made. Does nothing without synced certifications; a certificate a
    person already holds (from an earlier load, or issued while the standards history loaded)
    is not made again. The caller commits."""
    known = set(db.session.scalars(select(Certification.id).where(Certification.active)))
    if not known:
        return 0
    made = 0
    for login, (course_ids, held) in HISTORY.items():
        user = db.session.scalar(select(User).where(User.email == demo_email(login)))
        if user is None:
            continue
        _complete(user, course_ids, today)
        holds = set(db.session.scalars(
            select(Certificate.certification_id).where(Certificate.user_id == user.id)
        ))  # fmt: skip
        for certification_id, days in held:
            if certification_id in known and certification_id not in holds:
                made += _certificate(user, certification_id, today - timedelta(days=days))
    agents = list(db.session.scalars(select(User.id).where(User.role == "agent", User.active)))
    certification.evaluate_users(agents)
    return made


def _complete(user: User, course_ids: list[str], today: date) -> None:
    existing = set(db.session.scalars(
        select(CourseCompletion.course_id).where(CourseCompletion.user_id == user.id)
    ))  # fmt: skip
    for offset, course_id in enumerate(course_ids):
        if course_id in existing or db.session.get(Course, course_id) is None:
            continue
        done = datetime.combine(today - timedelta(days=420 - 30 * offset), time(9), UTC)
        db.session.add(CourseCompletion(user_id=user.id, course_id=course_id, completed_at=done))


def _certificate(user: User, certification_id: str, issued: date) -> int:
    cert = db.session.get(Certification, certification_id)
    version = standards.current_version()
    expires = issued + timedelta(days=cert.valid_for_days)
    row = Certificate(
        user_id=user.id, certification_id=cert.id, code=certification.new_code(),
        issue_key=f"{user.id}:{cert.id}:first", valid_from=issued, expires_on=expires,
        issued_at=datetime.combine(issued, time(9), UTC),
        standards_version=version.version if version else None,
    )  # fmt: skip
    db.session.add(row)
    db.session.flush()
    standing = certification.standing_of(user.id, cert.id)
    standing.certificate_id, standing.percent = row.id, 100
    return 1
