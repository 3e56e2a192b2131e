"""What the placement test does when the quiz capability's events happen; connected at app
start."""

from app import events
from app.placement import services


@events.quiz_opening.connect
def placement_must_be_offered(quiz, *, user, **_) -> None:
    """A quiz of no course is a placement test: QuizRefused unless it is offered to the user."""
    if quiz.course_id is None:
        services.check_offered(user, quiz)


@events.attempt_submitted.connect
def recognise_passed_sections(attempt, **_) -> None:
    if attempt.quiz.course_id is None:
        services.record_placement(attempt)


@events.attempt_shown.connect
def placement_sections(attempt, **_) -> dict | None:
    """The result page of a placement attempt shows each tier's score and what it recognised."""
    if attempt.quiz.course_id is None:
        return {"sections": services.section_results(attempt)}
    return None
