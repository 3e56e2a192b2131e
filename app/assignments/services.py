"""Managers', HR's and admins' assignments: assign, cancel, change the due date, and states.

A manager may assign to the agents of the teams they lead; HR and admins to any active agent.
Every change is audited and the agent is told through the notification outbox. Callers commit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from app import clock
from app.assignments.models import Assignment
from app.audit import services as audit
from app.courses import services as courses
from app.courses.models import Course
from app.extensions import db
from app.notifications.services import link_to, local_date, notify
from app.people.models import Role, Team, User

STATES = ("assigned", "in_progress", "overdue", "completed", "cancelled")
MAX_NOTE = 1000


class AssignmentError(ValueError):
    """A domain error tied to a form field."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass
class AssignResult:
    created: list[Assignment] = field(default_factory=list)
    already_open: int = 0  # agent x course pairs that already had an open assignment


def is_unrestricted(actor: User) -> bool:
    return actor.role in (Role.HR, Role.ADMIN)


def assignable_agents_query(actor: User) -> Select:
    """Active agents the actor may assign to: their teams' agents, or everyone for HR/admin."""
    query = select(User).where(User.role == Role.AGENT, User.active)
    if not is_unrestricted(actor):
        query = query.where(User.team_id.in_(select(Team.id).where(Team.manager_id == actor.id)))
    return query


def assignable_teams(actor: User) -> list[Team]:
    query = select(Team).order_by(Team.name_en, Team.id)
    if not is_unrestricted(actor):
        query = query.where(Team.manager_id == actor.id)
    return list(db.session.scalars(query))


def assignable_agent_rows(actor: User, among: list[int] | None = None) -> Select:
    """(id, name_ar, name_en, employee_no) of the agents the actor may assign to, by name;
    only those of `among` when given."""
    query = assignable_agents_query(actor).with_only_columns(
        User.id, User.name_ar, User.name_en, User.employee_no
    )
    if among is not None:
        query = query.where(User.id.in_(among))
    return query.order_by(User.name_en, User.id)


def assignable_team_rows(actor: User, among: list[int] | None = None) -> Select:
    """(id, name_ar, name_en) of the teams the actor may assign to, by name; only those of
    `among` when given."""
    query = select(Team.id, Team.name_ar, Team.name_en).order_by(Team.name_en, Team.id)
    if not is_unrestricted(actor):
        query = query.where(Team.manager_id == actor.id)
    if among is not None:
        query = query.where(Team.id.in_(among))
    return query


def assign_courses(actor: User, course_ids: list[str], *, user_ids=(), team_ids=(),
                   due_date: date, note: str = "",
                   with_prerequisites: bool = False) -> AssignResult:  # fmt: skip
    """Assign each course to each chosen agent and to every active agent of each chosen team;
    with_prerequisites: also each agent's missing prerequisites of those courses (see
    prerequisite_gaps), so that what is assigned can be opened.

    An agent who already has an open assignment of a course keeps it; nothing is doubled.
    """
    if due_date < clock.today():
        raise AssignmentError("due_date", _l("The due date cannot be in the past."))
    chosen, by_id = _active_courses(course_ids)
    agents = _targets(actor, set(user_ids), set(team_ids))
    ids = [agent.id for agent in agents]
    needed = _needed_prerequisites(chosen, by_id) if with_prerequisites else set()
    open_pairs = _open_pairs(ids, sorted({course.id for course in chosen} | needed))
    extra = _missing_prerequisites(agents, needed, by_id, open_pairs)
    result, made = AssignResult(), []
    for agent in agents:
        for course in sorted([*chosen, *extra.get(agent.id, [])], key=_reading_order):
            if (agent.id, course.id) in open_pairs:
                result.already_open += 1
                continue
            made.append((agent, course, _new(actor, agent, course, due_date, note.strip())))
    db.session.flush()  # every new assignment at once: the audit entries name their ids
    for agent, course, assignment in made:
        _record(actor, agent, course, assignment)
        result.created.append(assignment)
    return result


@dataclass
class PrerequisiteGap:
    agent: User
    missing: list[Course]  # prerequisites not done, not chosen and not already assigned


def prerequisite_gaps(actor: User, course_ids: list[str], *, user_ids=(),
                      team_ids=()) -> list[PrerequisiteGap]:  # fmt: skip
    """The agents who could not open a chosen course yet: each with the prerequisites (and
    theirs, all the way down) they have not completed, that are not among the chosen courses
    and that they are not already assigned."""
    chosen, by_id = _active_courses(course_ids)
    agents = _targets(actor, set(user_ids), set(team_ids))
    needed = _needed_prerequisites(chosen, by_id)
    open_pairs = _open_pairs([agent.id for agent in agents], sorted(needed)) if needed else set()
    missing = _missing_prerequisites(agents, needed, by_id, open_pairs)
    return [PrerequisiteGap(agent, missing[agent.id]) for agent in agents if missing.get(agent.id)]


def _needed_prerequisites(chosen: list[Course], by_id: dict[str, Course]) -> set[str]:
    """The chosen courses' prerequisites, all the way down, that are not chosen themselves."""
    return _prerequisites_of(chosen, by_id) - {course.id for course in chosen}


def _missing_prerequisites(agents: list[User], needed: set[str], by_id: dict[str, Course],
                           open_pairs: set[tuple[int, str]]) -> dict[int, list[Course]]:  # fmt: skip
    """Of the needed prerequisites, those each agent has neither completed nor open."""
    if not needed or not agents:
        return {}
    completed = courses.completed_course_ids([agent.id for agent in agents])
    return {
        agent.id: sorted((by_id[c] for c in needed
                          if c not in completed[agent.id] and (agent.id, c) not in open_pairs),
                         key=_reading_order)
        for agent in agents
    }  # fmt: skip


def _prerequisites_of(chosen: list[Course], by_id: dict[str, Course]) -> set[str]:
    found: set[str] = set()
    waiting = [r for course in chosen for r in course.requires]
    while waiting:
        course_id = waiting.pop()
        if course_id in found or course_id not in by_id:
            continue
        found.add(course_id)
        waiting.extend(by_id[course_id].requires)
    return found


def _reading_order(course: Course):
    return (course.tier, course.position, course.id)


def _active_courses(course_ids: list[str]) -> tuple[list[Course], dict[str, Course]]:
    """The chosen courses in reading order, and every active course by id (read once)."""
    by_id = {course.id: course for course in courses.active_courses()}
    wanted = set(course_ids)
    if not wanted or not wanted <= by_id.keys():
        raise AssignmentError("course_ids", _l("Choose one or more active courses."))
    return sorted((by_id[c] for c in wanted), key=_reading_order), by_id


def _targets(actor: User, user_ids: set[int], team_ids: set[int]) -> list[User]:
    allowed_teams = {row.id for row in db.session.execute(
        assignable_team_rows(actor, sorted(team_ids))
    )} if team_ids else set()  # fmt: skip
    if not team_ids <= allowed_teams:
        raise AssignmentError("team_ids", _l("You may only assign to your own teams."))
    if not user_ids and not team_ids:
        raise AssignmentError("user_ids", _l("Choose agents or a team."))
    query = assignable_agents_query(actor).where(User.id.in_(user_ids) | User.team_id.in_(team_ids))
    agents = list(db.session.scalars(query.order_by(User.id)))
    if not user_ids <= {agent.id for agent in agents}:
        raise AssignmentError("user_ids", _l("You may only assign to active agents you manage."))
    if not agents:
        raise AssignmentError("team_ids", _l("The chosen teams have no active agents."))
    return agents


def _open_pairs(user_ids: list[int], course_ids: list[str]) -> set[tuple[int, str]]:
    query = select(Assignment.user_id, Assignment.course_id).where(
        Assignment.user_id.in_(user_ids),
        Assignment.course_id.in_(course_ids),
        Assignment.completed_at.is_(None),
        Assignment.cancelled_at.is_(None),
    )
    return {(user_id, course_id) for user_id, course_id in db.session.execute(query)}


def _new(actor: User, agent: User, course: Course, due: date, note: str) -> Assignment:
    assignment = Assignment(user_id=agent.id, course_id=course.id, due_date=due, source="manager",
                            note=note[:MAX_NOTE], assigned_by_id=actor.id,
                            created_at=clock.now())  # fmt: skip
    db.session.add(assignment)
    return assignment


def _record(actor: User, agent: User, course: Course, assignment: Assignment) -> None:
    """Audit a new (flushed) assignment and tell the agent."""
    audit.record("assignment_created", "assignment", assignment.id, actor=actor,
                 after={"user_id": agent.id, "course_id": course.id,
                        "due_date": assignment.due_date, "note": assignment.note})  # fmt: skip
    _tell(agent, "course_assigned", course, assignment.due_date)


def _tell(agent: User, kind: str, course: Course, due: date | None) -> None:
    params = {"course": course.title_in(agent.locale), "due": local_date(due, agent.locale)
              if due else "-"}  # fmt: skip
    notify(agent.id, kind, params, link=link_to("courses.course", course_id=course.id))


def get_manageable_assignment(actor: User, assignment_id: int) -> Assignment | None:
    """The assignment if the actor may change it (HR/admin: any; managers: their teams')."""
    query = (
        select(Assignment)
        .join(User, User.id == Assignment.user_id)
        .where(Assignment.id == assignment_id)
        .options(joinedload(Assignment.course), joinedload(Assignment.user))
    )
    if not is_unrestricted(actor):
        query = query.where(User.team_id.in_(select(Team.id).where(Team.manager_id == actor.id)))
    return db.session.scalar(query)


def cancel_assignment(actor: User, assignment: Assignment) -> None:
    """Cancel an open assignment; the row stays, with the time it was cancelled."""
    if not assignment.is_open:
        raise AssignmentError("assignment", _l("Only open assignments can be cancelled."))
    assignment.cancelled_at = clock.now()
    audit.record("assignment_cancelled", "assignment", assignment.id, actor=actor,
                 before={"user_id": assignment.user_id, "course_id": assignment.course_id})  # fmt: skip
    _tell(assignment.user, "assignment_cancelled", assignment.course, None)


def change_due_date(actor: User, assignment: Assignment, due_date: date) -> None:
    """Move an open assignment's due date; reminders follow the new date."""
    if not assignment.is_open:
        raise AssignmentError("due_date", _l("Only open assignments can be changed."))
    if due_date < clock.today():
        raise AssignmentError("due_date", _l("The due date cannot be in the past."))
    if due_date == assignment.due_date:
        return
    before = assignment.due_date
    assignment.due_date = due_date
    audit.record("assignment_due_date_changed", "assignment", assignment.id, actor=actor,
                 before={"due_date": before}, after={"due_date": due_date})  # fmt: skip
    _tell(assignment.user, "due_date_changed", assignment.course, due_date)


def assignment_states(assignments: list[Assignment]) -> dict[int, str]:
    """assigned, in_progress, overdue, completed or cancelled for each assignment, with one
    progress lookup for all of them."""
    today = clock.today()
    open_ones = [a for a in assignments if a.is_open]
    user_ids = sorted({a.user_id for a in open_ones})
    course_list = list({a.course.id: a.course for a in open_ones}.values())
    progress = courses.progress_for(user_ids, course_list) if open_ones else {}
    states = {}
    for a in assignments:
        states[a.id] = _state(a, today, progress.get((a.user_id, a.course_id)))
    return states


def _state(assignment: Assignment, today: date, progress) -> str:
    if assignment.completed_at is not None:
        return "completed"
    if assignment.cancelled_at is not None:
        return "cancelled"
    if assignment.is_overdue(today):
        return "overdue"
    return "in_progress" if progress is not None and progress.status != "open" else "assigned"


@dataclass
class AssignmentFilter:
    state: str = "open"  # open, overdue, completed, cancelled or all
    team_id: int | None = None
    course_id: str = ""
    user_id: int | None = None


def search_assignments(actor: User, flt: AssignmentFilter, page: int, per_page: int = 50):
    """A page of the assignments the actor may see, soonest due first, people and courses
    loaded in the same query."""
    query = (
        select(Assignment)
        .join(User, User.id == Assignment.user_id)
        .options(joinedload(Assignment.user), joinedload(Assignment.course))
    )
    if not is_unrestricted(actor):
        query = query.where(User.team_id.in_(select(Team.id).where(Team.manager_id == actor.id)))
    query = _filtered(query, flt)
    query = query.order_by(Assignment.due_date.is_(None), Assignment.due_date, Assignment.id)
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def _filtered(query: Select, flt: AssignmentFilter) -> Select:
    is_open = Assignment.completed_at.is_(None) & Assignment.cancelled_at.is_(None)
    if flt.state == "open":
        query = query.where(is_open)
    elif flt.state == "overdue":
        query = query.where(is_open, Assignment.due_date < clock.today())
    elif flt.state == "completed":
        query = query.where(Assignment.completed_at.is_not(None))
    elif flt.state == "cancelled":
        query = query.where(Assignment.cancelled_at.is_not(None))
    if flt.team_id:
        query = query.where(User.team_id == flt.team_id)
    if flt.course_id:
        query = query.where(Assignment.course_id == flt.course_id)
    if flt.user_id:
        query = query.where(Assignment.user_id == flt.user_id)
    return query
