"""What Khidma tells a company's Learning Record Store: course completions, quiz results and
certificates issued, each queued as one xAPI statement in the transaction that records it.

Nothing is queued when XAPI_ENDPOINT is not set. The functions below are called by the
receivers of the domain events in app/xapi/handlers.py."""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy import select

from app.certification.models import Certificate, Certification
from app.certification.pdf import verification_url
from app.courses.models import Course, CourseCompletion
from app.extensions import db
from app.people.models import User
from app.quizzes.models import Attempt, Quiz
from app.xapi import statements as xs
from app.xapi.models import XapiStatement


def xapi_configured() -> bool:
    return bool(current_app.config.get("XAPI_ENDPOINT"))


def _base() -> str:
    return current_app.config["PUBLIC_BASE_URL"]


def queue(user: User, verb: str, source: str, what: dict, when: datetime, *,
          result: dict | None = None, parents: list[dict] | None = None) -> XapiStatement | None:  # fmt: skip
    """Queue one statement for the LRS; an event already queued (same source) adds nothing."""
    sid = xs.statement_id(_base(), source)
    if db.session.scalar(select(XapiStatement.id).where(XapiStatement.statement_id == sid)):
        return None
    body = xs.statement(sid, _actor(user), verb, what, when=when, language=user.locale,
                        result=result, parents=parents)  # fmt: skip
    row = XapiStatement(statement_id=sid, user_id=user.id, verb=verb, statement=body,
                        created_at=when, status="pending")  # fmt: skip
    db.session.add(row)
    return row


def _actor(user: User) -> dict:
    return xs.actor(user.email, user.name(user.locale))


def course_activity(course: Course) -> dict:
    return xs.activity(xs.iri(_base(), f"courses/{course.id}"), "course", course.title)


def quiz_activity(quiz: Quiz) -> dict:
    return xs.activity(xs.iri(_base(), f"quizzes/{quiz.id}"), "assessment", quiz.title)


def certification_activity(cert: Certification) -> dict:
    return xs.activity(xs.iri(_base(), f"certifications/{cert.id}"), "certificate", cert.title)


# --- what each event queues --------------------------------------------------


def on_course_completed(user_id: int, course_id: str) -> None:
    if not xapi_configured():
        return
    completion = db.session.scalar(select(CourseCompletion).where(
        CourseCompletion.user_id == user_id, CourseCompletion.course_id == course_id
    ))  # fmt: skip
    course = db.session.get(Course, course_id)
    queue(db.session.get(User, user_id), "completed", f"course-completed:{completion.id}",
          course_activity(course), completion.completed_at, result={"completion": True})  # fmt: skip


def on_attempt_submitted(attempt: Attempt) -> None:
    if not xapi_configured():
        return
    quiz = db.session.get(Quiz, attempt.quiz_id)
    course = db.session.get(Course, quiz.course_id) if quiz.course_id else None  # placement
    seconds = (attempt.submitted_at - attempt.started_at).total_seconds()
    queue(db.session.get(User, attempt.user_id), "passed" if attempt.auto_passed else "failed",
          f"attempt:{attempt.id}", quiz_activity(quiz), attempt.submitted_at,
          result=xs.score_result(attempt.auto_score, attempt.auto_passed, seconds),
          parents=[course_activity(course)] if course else None)  # fmt: skip


def on_certificate_issued(certificate: Certificate) -> None:
    if not xapi_configured():
        return
    cert = db.session.get(Certification, certificate.certification_id)
    extensions = {
        xs.iri(_base(), "xapi/extensions/expires-on"): certificate.expires_on.isoformat(),
        xs.iri(_base(), "xapi/extensions/verification"): verification_url(
            _base(), certificate.code
        ),
    }
    queue(db.session.get(User, certificate.user_id), "earned", f"certificate:{certificate.id}",
          certification_activity(cert), certificate.issued_at,
          result={"completion": True, "extensions": extensions})  # fmt: skip
