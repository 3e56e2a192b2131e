"""Rule-based assignments of the onboarding path, and the assignments a course completion or
the lists of open and overdue work read."""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache
from typing import NamedTuple

from sqlalchemy import bindparam, select

from app import clock
from app.assignments.models import Assignment
from app.courses.models import Course, LearningPath
from app.database import read_rows
from app.extensions import db
from app.models_base import localized
from app.people.models import Role, User

ONBOARDING_PATH = "onboarding"


def enrol_in_onboarding(user: User) -> int:
    """Assign the onboarding path to a new agent once, due dates counted from the hire date.

    Agents hired so long ago that the whole path would already be overdue are not enrolled
    (an import of existing staff is not a wave of new hires). Safe to call any number of times:
    each course is assigned at most once per agent.
    """
    if user.role != Role.AGENT or not user.active:
        return 0
    path = db.session.get(LearningPath, ONBOARDING_PATH)
    if path is None or not path.active or not path.steps:
        return 0
    window = max(step["due_days"] for step in path.steps)
    if user.hire_date + timedelta(days=window) < clock.today():
        return 0
    existing = set(db.session.scalars(
        select(Assignment.dedupe_key).where(Assignment.user_id == user.id, Assignment.source == "onboarding")
    ))  # fmt: skip
    created = 0
    for step in path.steps:
        key = f"onboarding:{user.id}:{step['course']}"
        if key in existing or db.session.get(Course, step["course"]) is None:
            continue
        due = user.hire_date + timedelta(days=step["due_days"])
        db.session.add(Assignment(user_id=user.id, course_id=step["course"], due_date=due,
                                  source="onboarding", dedupe_key=key))  # fmt: skip
        created += 1
    return created


def enrol_recent_hires() -> int:
    """After a sync: agents still inside their onboarding window get the path (once)."""
    since = clock.today() - timedelta(days=730)
    agents = db.session.scalars(
        select(User).where(User.role == Role.AGENT, User.active, User.hire_date >= since)
    )
    return sum(enrol_in_onboarding(agent) for agent in agents)


def close_assignments(user_id: int, course_id: str) -> None:
    """A completed course completes the user's open assignments of it."""
    open_ones = db.session.scalars(
        select(Assignment).where(
            Assignment.user_id == user_id,
            Assignment.course_id == course_id,
            Assignment.completed_at.is_(None),
            Assignment.cancelled_at.is_(None),
        )
    )
    for assignment in open_ones:
        assignment.completed_at = clock.now()


def close_recognised(recognition) -> None:
    """A course recognised by a placement section closes the user's open assignments of it, as
    recognised."""
    open_ones = db.session.scalars(select(Assignment).where(
        Assignment.user_id == recognition.user_id, Assignment.course_id == recognition.course_id,
        Assignment.completed_at.is_(None), Assignment.cancelled_at.is_(None),
    ))  # fmt: skip
    for assignment in open_ones:
        assignment.completed_at = clock.now()
        assignment.recognition_id = recognition.id


class OpenAssignment(NamedTuple):
    """An open assignment as the lists of open work show it."""

    id: int
    course_id: str
    due_date: date | None
    note: str
    course_title: dict | str  # the course's title in each language

    def title_in(self, locale: str) -> str:
        return localized(self.course_title, locale)

    def is_overdue(self, today: date) -> bool:
        return self.due_date is not None and self.due_date < today


def open_assignments(user: User) -> list[OpenAssignment]:
    """The user's open assignments, soonest due first, with their courses' titles."""
    rows = read_rows(db.session, _open_assignments_statement(), {"user_id": user.id})
    return [OpenAssignment(*row) for row in rows]


@cache
def _open_assignments_statement():
    """Built once (every agent's home runs it; building costs more than running it)."""
    return (
        select(Assignment.id, Assignment.course_id, Assignment.due_date, Assignment.note,
               Course.title)
        .join(Course, Course.id == Assignment.course_id)
        .where(Assignment.user_id == bindparam("user_id"), Assignment.completed_at.is_(None))
        .where(Assignment.cancelled_at.is_(None))
        .order_by(Assignment.due_date.is_(None), Assignment.due_date, Assignment.id)
    )  # fmt: skip


def due_dates(assignments: list[OpenAssignment]) -> dict[str, object]:
    """Course id -> due date (or None) of open assignments, the order next_lesson reads in."""
    return {a.course_id: a.due_date for a in assignments}


def overdue_due_dates(user_ids: list[int]) -> dict[tuple[int, str], date]:
    """(user id, course id) -> the due date of an open assignment past it, for these users."""
    if not user_ids:
        return {}
    rows = read_rows(db.session, _overdue_statement(),
                     {"user_ids": list(user_ids), "today": clock.today()})  # fmt: skip
    return {(user_id, course_id): due for user_id, course_id, due in rows}


@cache
def _overdue_statement():
    return select(Assignment.user_id, Assignment.course_id, Assignment.due_date).where(
        Assignment.user_id.in_(bindparam("user_ids", expanding=True)),
        Assignment.completed_at.is_(None),
        Assignment.cancelled_at.is_(None),
        Assignment.due_date < bindparam("today"),
    )
