"""What courses do when other capabilities' events happen; connected at app start."""

from app import events
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
