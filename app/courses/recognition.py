"""Courses recognised by a placement test: recorded with the section's score and the attempt,
they count as complete for prerequisites and the onboarding path (not for certification,
unless a certification accepts them)."""

from __future__ import annotations

from sqlalchemy import select

from app import clock, events
from app.courses.models import CourseCompletion, CourseRecognition
from app.extensions import db


def recognitions_of(user_ids: list[int]) -> dict[tuple[int, str], CourseRecognition]:
    """(user id, course id) -> the recognition of that course, for many users in one query."""
    if not user_ids:
        return {}
    query = select(CourseRecognition).where(CourseRecognition.user_id.in_(user_ids))
    return {(r.user_id, r.course_id): r for r in db.session.scalars(query)}


def recognised_course_ids(user_ids: list[int]) -> dict[int, set[str]]:
    result: dict[int, set[str]] = {user_id: set() for user_id in user_ids}
    query = select(CourseRecognition.user_id, CourseRecognition.course_id).where(
        CourseRecognition.user_id.in_(user_ids)
    )
    for user_id, course_id in db.session.execute(query):
        result[user_id].add(course_id)
    return result


def recognise_course(
    user_id: int, course_id: str, *, attempt_id: int, section: str, score: float
) -> CourseRecognition | None:
    """Record a course as recognised by a placement section and tell the others (its open
    assignments close as recognised, certifications that accept it are evaluated). A course
    already completed or recognised is left as it is (None). The caller commits."""
    if _completed_or_recognised(user_id, course_id):
        return None
    recognition = CourseRecognition(
        user_id=user_id, course_id=course_id, attempt_id=attempt_id, section=section,
        score=score, recognised_at=clock.now(),
    )  # fmt: skip
    db.session.add(recognition)
    db.session.flush()
    events.course_recognised.send(recognition)
    return recognition


def _completed_or_recognised(user_id: int, course_id: str) -> bool:
    for model in (CourseCompletion, CourseRecognition):
        found = db.session.scalar(
            select(model.id).where(model.user_id == user_id, model.course_id == course_id)
        )
        if found is not None:
            return True
    return False
