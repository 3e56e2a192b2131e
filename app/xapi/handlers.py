"""The xAPI statements queued when other capabilities' events happen; connected at app start."""

from app import events
from app.xapi import services


@events.course_completed.connect
def course_completed(course_id, *, user_id, **_) -> None:
    services.on_course_completed(user_id, course_id)


@events.attempt_submitted.connect
def attempt_submitted(attempt, **_) -> None:
    services.on_attempt_submitted(attempt)


@events.certificate_issued.connect
def certificate_issued(certificate, **_) -> None:
    services.on_certificate_issued(certificate)
