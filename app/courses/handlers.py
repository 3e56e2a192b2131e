"""What courses do when other capabilities' events happen, and the names of courses that other
records keep by id; connected at app start."""

from sqlalchemy import select

from app import events, references
from app.courses import services
from app.courses.models import Course
from app.extensions import db


@events.quiz_opening.connect
def course_must_be_open(quiz, *, user, **_) -> None:
    """A quiz opens with its course: CourseLocked until the course's prerequisites are done.
    A quiz of no course (a placement test) is the placement capability's to open."""
    if quiz.course_id is not None:
        services.check_open(user, db.session.get(Course, quiz.course_id))


@events.attempt_submitted.connect
def complete_on_pass(attempt, **_) -> None:
    if attempt.auto_passed and attempt.quiz.course_id is not None:
        services.refresh_completion(attempt.user_id, attempt.quiz.course_id)


@events.score_overridden.connect
def complete_on_overridden_pass(attempt, *, override, **_) -> None:
    if override.passed and attempt.quiz.course_id is not None:
        services.refresh_completion(attempt.user_id, attempt.quiz.course_id)


def course_names(ids: set[str], lang: str) -> dict[str, str]:
    courses = db.session.scalars(select(Course).where(Course.id.in_(ids)))
    return {course.id: course.title_in(lang) for course in courses}


references.register("course", course_names, keys=("course_id",))
