"""Assignments made or closed when other capabilities' events happen, and assignments named
where other records keep them by id; connected at app start."""

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app import events, references
from app.assignments import onboarding
from app.assignments.models import Assignment
from app.extensions import db


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


def assignment_names(ids: set[str], lang: str) -> dict[str, str]:
    query = (
        select(Assignment)
        .options(joinedload(Assignment.course), joinedload(Assignment.user))
        .where(Assignment.id.in_(references.int_ids(ids)))
    )
    return {
        str(a.id): _(
            "%(course)s for %(person)s", course=a.course.title_in(lang), person=a.user.name(lang)
        )  # fmt: skip
        for a in db.session.scalars(query)
    }


references.register("assignment", assignment_names, objects=("assignment",))
