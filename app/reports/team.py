"""The manager's team progress: agents of the manager's teams x courses, with overdue work."""

from __future__ import annotations

from dataclasses import dataclass

from app.assignments import onboarding as assignments
from app.assignments.models import Assignment
from app.courses import services as courses
from app.courses.models import Course
from app.extensions import db
from app.people import services as people
from app.people.models import Role, User


@dataclass
class TeamProgress:
    agents: list[User]
    courses: list[Course]
    cells: dict[tuple[int, str], courses.Progress]
    overdue: dict[tuple[int, str], Assignment]


def team_progress(manager: User) -> TeamProgress:
    """Agents of the manager's teams x courses, in a number of queries that does not grow."""
    agents = list(db.session.scalars(
        people.visible_people_query(manager)
        .where(User.role == Role.AGENT, User.active)
        .order_by(User.name_en, User.id)
    ))  # fmt: skip
    active = courses.active_courses()
    ids = [a.id for a in agents]
    cells = courses.progress_for(ids, active) if ids else {}
    return TeamProgress(agents, active, cells, assignments.overdue_assignments(ids))
