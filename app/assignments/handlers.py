"""Assignments made or closed when other capabilities' events happen; connected at app start."""

from app import events
from app.assignments import onboarding


@events.person_saved.connect
def enrol_new_agent(user, **_) -> None:
    onboarding.enrol_in_onboarding(user)


@events.content_synced.connect
def enrol_after_sync(_catalogue, **_) -> None:
    """A sync may bring the onboarding path (or change it): recent hires get it once."""
    onboarding.enrol_recent_hires()


@events.course_completed.connect
def close_completed(course_id, *, user_id, **_) -> None:
    onboarding.close_assignments(user_id, course_id)


@events.course_recognised.connect
def close_recognised(recognition, **_) -> None:
    onboarding.close_recognised(recognition)
