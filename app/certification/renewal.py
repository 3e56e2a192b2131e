"""Renewal: entering the renewal window assigns the refresher courses and tells the holder;
doing them again renews the certificate.

Refresher assignments carry the dedupe key "refresher:<certificate id>:<course id>", which ties
them to the certificate they renew and makes the window step safe to run again.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from sqlalchemy import String, select
from sqlalchemy.orm import joinedload

from app import clock
from app.assignments.models import Assignment
from app.certification import services
from app.certification.models import Certificate, Certification, CertificationStanding
from app.certification.requirements import redone_since
from app.courses.models import Course
from app.extensions import db
from app.notifications.services import link_to, local_date, notify
from app.people.models import User

LATE_RENEWAL_DAYS = 14  # due date of refreshers for a certificate that has already expired


def _refresher_key(certificate_id: int, course_id: str) -> str:
    return f"refresher:{certificate_id}:{course_id}"


def open_renewal_windows() -> int:
    """Assign the refresher courses of every current certificate inside its renewal window
    (once per certificate) and tell the holder. Returns how many holders were told."""
    today = clock.today()
    query = (
        select(Certificate)
        .join(CertificationStanding, CertificationStanding.certificate_id == Certificate.id)
        .join(Certification, Certification.id == Certificate.certification_id)
        .join(User, User.id == Certificate.user_id)
        .where(User.active, Certification.active, Certificate.revoked_at.is_(None))
        .options(joinedload(Certificate.user), joinedload(Certificate.certification))
    )
    told = 0
    for certificate in db.session.scalars(query):
        window = certificate.certification.renew_window_days
        if certificate.expires_on - timedelta(days=window) <= today:
            told += _assign_refreshers(certificate, today)
    return told


def _assign_refreshers(certificate: Certificate, today) -> int:
    keys = {course_id: _refresher_key(certificate.id, course_id)
            for course_id in certificate.certification.refresher_courses}  # fmt: skip
    existing = set(db.session.scalars(
        select(Assignment.dedupe_key).where(Assignment.dedupe_key.in_(keys.values()))
    ))  # fmt: skip
    missing = [course_id for course_id, key in keys.items() if key not in existing]
    courses = list(db.session.scalars(
        select(Course).where(Course.id.in_(missing), Course.active)
    ))  # fmt: skip
    if not courses:
        return 0
    due = certificate.expires_on
    if due < today:
        due = today + timedelta(days=LATE_RENEWAL_DAYS)
    for course in courses:
        db.session.add(Assignment(
            user_id=certificate.user_id, course_id=course.id, due_date=due, source="refresher",
            dedupe_key=_refresher_key(certificate.id, course.id), created_at=clock.now(),
        ))  # fmt: skip
    _tell_renewal_due(certificate, courses)
    return 1


def _tell_renewal_due(certificate: Certificate, courses: list[Course]) -> None:
    user = certificate.user
    params = {
        "certification": certificate.certification.title_in(user.locale),
        "until": local_date(certificate.expires_on, user.locale),
        "courses": ", ".join(course.title_in(user.locale) for course in courses),
    }
    notify(user.id, "renewal_due", params, link=link_to("certification.my_certificates"),
           dedupe_key=f"renewal_due:{certificate.id}")  # fmt: skip


def renew_where_refreshed(user_ids: list[int] | None = None) -> int:
    """Close the refresher assignments done again since they were assigned, and renew each
    certificate whose refreshers are all done. Returns how many certificates were renewed."""
    by_certificate: dict[int, list[Assignment]] = defaultdict(list)
    for assignment in _refresher_assignments(user_ids):
        by_certificate[int(assignment.dedupe_key.split(":")[1])].append(assignment)
    renewed = 0
    for certificate_id, assignments in by_certificate.items():
        for assignment in assignments:
            if assignment.is_open and redone_since(
                assignment.user_id, assignment.course, assignment.created_at
            ):
                assignment.completed_at = clock.now()
        renewed += _renew_if_done(certificate_id, assignments)
    return renewed


def _refresher_assignments(user_ids: list[int] | None) -> list[Assignment]:
    """Refresher assignments of certificates not yet renewed nor revoked."""
    query = (
        select(Assignment)
        .join(Certificate, Certificate.user_id == Assignment.user_id)
        .where(Assignment.source == "refresher", Assignment.cancelled_at.is_(None))
        .where(Assignment.dedupe_key.like("refresher:%"))
        .where(Certificate.superseded_at.is_(None), Certificate.revoked_at.is_(None))
        .where(Assignment.dedupe_key.like("refresher:" + Certificate.id.cast(String) + ":%"))
        .options(joinedload(Assignment.course).selectinload(Course.lessons))
    )
    if user_ids is not None:
        query = query.where(Assignment.user_id.in_(user_ids))
    return list(db.session.scalars(query).unique())


def _renew_if_done(certificate_id: int, assignments: list[Assignment]) -> int:
    if any(a.is_open for a in assignments):
        return 0
    certificate = db.session.get(Certificate, certificate_id)
    return int(services.renew_certificate(certificate) is not None)
