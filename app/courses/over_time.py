"""An agent's progress over time: how many courses they had completed at the end of each of
the last months since they joined, drawn as a line (geometry in app/charts)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select

from app import charts, clock
from app.courses import shelf
from app.courses.models import CourseCompletion
from app.extensions import db
from app.i18n import format_month, format_number
from app.people.models import User


@dataclass
class ProgressOverTime:
    labels: list[str]  # one per month, oldest first; the last is this month (to today)
    completed: list[int]  # courses completed by the end of each month
    total: int  # active courses
    chart: charts.LineChart

    @property
    def points(self) -> list[tuple[str, str]]:
        """(month, courses completed as the locale writes the number), oldest first."""
        return [
            (label, format_number(n)) for label, n in zip(self.labels, self.completed, strict=True)
        ]

    @property
    def described(self) -> list[str]:
        """ "month: count" for each month, for the chart's description."""
        return [f"{label}: {count}" for label, count in self.points]


def progress_over_time(agent: User, rtl: bool, months: int = 6,
                       completed_at: Iterable[datetime] | None = None) -> ProgressOverTime:  # fmt: skip
    """Courses completed by the end of each month, from the month the agent was hired (at
    most `months` months, at least two points so that a line shows). `completed_at`: when
    the agent completed each course, when the caller has read it (LearningRecord)."""
    today = clock.today()
    hired = agent.hire_date or today
    since_hire = (today.year - hired.year) * 12 + today.month - hired.month + 1
    ends = charts.month_ends(today, max(2, min(months, since_hire)))
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    if completed_at is None:
        completed_at = db.session.scalars(
            select(CourseCompletion.completed_at).where(CourseCompletion.user_id == agent.id)
        )
    done = [at.astimezone(zone).date() for at in completed_at]
    completed = [sum(day <= end for day in done) for end in ends]
    total = len(shelf.active_courses())
    labels = [format_month(end) for end in ends]
    line = charts.line_chart(list(zip(labels, completed, strict=True)), max(total, 1), rtl,
                             top_label=str(total))  # fmt: skip
    return ProgressOverTime(labels, completed, total, line)
