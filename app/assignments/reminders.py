"""Reminders of due and overdue assignments: 7 days before the due date, on the day, then
weekly while overdue.

Each reminder's dedupe key names the assignment, its due date and the occasion, so the daily
job may run any number of times and a moved due date gets reminders of its own.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app import clock
from app.assignments.models import Assignment
from app.extensions import db
from app.jobs.registry import daily_step
from app.notifications.services import link_to, local_date, notify
from app.people.models import User

REMIND_BEFORE_DAYS = 7


def occasion(assignment: Assignment, today: date) -> tuple[str, str] | None:
    """(notification kind, occasion key) due today for an open assignment, or None."""
    due = assignment.due_date
    days_left = (due - today).days
    if days_left == 0:
        return "due_today", "today"
    if days_left < 0:
        week = (-days_left - 1) // 7  # day 1 after the due date, then every 7 days
        return "overdue", f"overdue-{week}"
    assigned_on = _local_date(assignment.created_at)
    # Assigned inside the window, the assignment message already said when it is due.
    if days_left <= REMIND_BEFORE_DAYS and assigned_on < due - timedelta(REMIND_BEFORE_DAYS):
        return "due_soon", "before"
    return None


def _local_date(moment: datetime) -> date:
    return moment.astimezone(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])).date()


def _open_with_due_dates(today: date) -> list[Assignment]:
    query = (
        select(Assignment)
        .join(User, User.id == Assignment.user_id)
        .where(
            User.active,
            Assignment.completed_at.is_(None),
            Assignment.cancelled_at.is_(None),
            Assignment.due_date <= today + timedelta(REMIND_BEFORE_DAYS),
        )
        .options(joinedload(Assignment.user), joinedload(Assignment.course))
        .order_by(Assignment.id)
    )
    return list(db.session.scalars(query))


def send_reminders() -> dict:
    """Queue the reminders due today that were not queued yet."""
    today = clock.today()
    counts = {"due_soon": 0, "due_today": 0, "overdue": 0}
    for assignment in _open_with_due_dates(today):
        found = occasion(assignment, today)
        if found is None:
            continue
        kind, key = found
        if _remind(assignment, kind, key) is not None:
            counts[kind] += 1
    return counts


def _remind(assignment: Assignment, kind: str, key: str):
    user = assignment.user
    params = {
        "course": assignment.course.title_in(user.locale),
        "due": local_date(assignment.due_date, user.locale),
    }
    dedupe = f"reminder:{assignment.id}:{assignment.due_date.isoformat()}:{key}"
    link = link_to("courses.course", course_id=assignment.course_id)
    return notify(user.id, kind, params, link=link, dedupe_key=dedupe)


@daily_step("assignment reminders", order=60)
def daily_reminders() -> dict:
    """Reminders of assignments due soon, due today and overdue; each is created once."""
    return send_reminders()
