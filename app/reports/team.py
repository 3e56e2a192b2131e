"""The manager's team progress: agents of the manager's teams x courses, with overdue work."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.assignments import onboarding as assignments
from app.courses import services as courses
from app.courses.models import Course
from app.people import services as people
from app.people.models import NamedPerson, User


@dataclass
class TeamProgress:
    agents: list[NamedPerson]
    courses: list[Course]
    cells: dict[tuple[int, str], courses.Progress]
    overdue: dict[tuple[int, str], date]  # the due date an open assignment is past

    @property
    def rows(self) -> list[tuple[NamedPerson, list[tuple]]]:
        """Each agent with a cell per course, in the courses' order: (course id, progress,
        status, the due date it is overdue since or None)."""
        rows = []
        for agent in self.agents:
            cells = []
            for course in self.courses:
                key = (agent.id, course.id)
                cell = self.cells[key]
                cells.append((course.id, cell, cell.status, self.overdue.get(key)))
            rows.append((agent, cells))
        return rows


def team_progress(manager: User) -> TeamProgress:
    """Agents of the manager's teams x courses, in a number of queries that does not grow."""
    agents = people.agents_led_by(manager)
    active = courses.shelved_courses()
    ids = [a.id for a in agents]
    cells = courses.progress_for(ids, active) if ids else {}
    return TeamProgress(agents, active, cells, assignments.overdue_due_dates(ids))
