"""People and assignments through the API, with the rules of the CSV import and of the
assignment form. Callers commit; a refusal is an ApiError and nothing is kept."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from app.api import schemas
from app.api.errors import ApiError, invalid, problem
from app.api.models import ApiToken
from app.assignments import services as assignments
from app.assignments.forms import NOTE
from app.assignments.models import Assignment
from app.extensions import db
from app.people import services as people
from app.people.models import Team, User

# The form's and the service's field names, as the API calls them.
ASSIGNMENT_FIELDS = {"user_ids": "employee_nos", "team_ids": "team_codes"}


def person_by_number(employee_no: str) -> User:
    user = db.session.scalar(select(User).where(User.employee_no == employee_no))
    if user is None:
        raise ApiError(404, f"No person with employee number {employee_no}.")
    return user


def _record(person: schemas.PersonIn) -> dict[str, str]:
    """A person as a CSV row: each column's text."""
    values = person.model_dump()
    values["active"] = "yes" if person.active else "no"
    return values


def upsert_people(body: schemas.PeopleUpsert, token: ApiToken) -> schemas.PeopleUpserted:
    """Add or update every person, or none of them when any item has a problem."""
    try:
        report = people.import_people_records(
            [_record(person) for person in body.people], actor=token.created_by,
            default_locale=current_app.config["BABEL_DEFAULT_LOCALE"], source=f"api:{token.id}",
            invite=body.invite,
        )  # fmt: skip
    except people.PeopleError as exc:
        raise ApiError(422, problems=[problem("invite", str(exc.message))]) from None
    if not report.ok:
        problems = [problem(e.column, e.message, e.row) for e in report.errors]
        raise ApiError(422, problems=problems)
    return schemas.PeopleUpserted(
        created=report.created,
        updated=report.updated,
        unchanged=report.unchanged,
        invited=report.invited,
    )


def deactivate_person(employee_no: str, token: ApiToken) -> schemas.PersonState:
    user = person_by_number(employee_no)
    try:
        people.set_active(user, False, actor=token.created_by)
    except people.PeopleError as exc:
        raise invalid("employee_no", str(exc.message)) from None
    return schemas.PersonState(employee_no=user.employee_no, active=user.active)


def _ids_of(model, column, values: list[str], field: str, indexed: bool = True) -> list[int]:
    """The ids of the rows with these codes; each unknown code is a problem (with its index in
    the body's list when `indexed`)."""
    found = dict(db.session.execute(select(column, model.id).where(column.in_(values))).all())
    missing = [problem(field, f"not found: {value}", index if indexed else None)
               for index, value in enumerate(values) if value not in found]  # fmt: skip
    if missing:
        raise ApiError(422, problems=missing)
    return [found[value] for value in values]


def create_assignments(
    body: schemas.AssignmentCreate, token: ApiToken
) -> schemas.AssignmentsCreated:
    """Assign the courses to the agents and teams, as the assignment form does."""
    note_problem = NOTE.problem(body.note) if body.note else None
    if note_problem is not None:
        raise invalid("note", note_problem.message)
    user_ids = _ids_of(User, User.employee_no, body.employee_nos, "employee_nos")
    team_ids = _ids_of(Team, Team.code, body.team_codes, "team_codes")
    try:
        result = assignments.assign_courses(
            token.created_by, body.course_ids, user_ids=user_ids, team_ids=team_ids,
            due_date=body.due_date, note=body.note,
        )  # fmt: skip
    except assignments.AssignmentError as exc:
        raise invalid(ASSIGNMENT_FIELDS.get(exc.field, exc.field), str(exc.message)) from None
    return schemas.AssignmentsCreated(
        created=assignment_views(result.created), already_open=result.already_open
    )


def assignment_views(items: list[Assignment]) -> list[schemas.AssignmentOut]:
    states = assignments.assignment_states(items)
    return [
        schemas.AssignmentOut(
            id=a.id,
            employee_no=a.user.employee_no,
            course_id=a.course_id,
            due_date=a.due_date,
            source=a.source,
            state=states[a.id],
            note=a.note,
            created_at=a.created_at,
            completed_at=a.completed_at,
            cancelled_at=a.cancelled_at,
        )  # fmt: skip
        for a in items
    ]


def list_assignments(query: schemas.AssignmentQuery, token: ApiToken) -> schemas.AssignmentPage:
    flt = assignments.AssignmentFilter(state=query.state, course_id=query.course or "")
    if query.team:
        flt.team_id = _ids_of(Team, Team.code, [query.team], "team", False)[0]
    if query.employee_no:
        flt.user_id = _ids_of(User, User.employee_no, [query.employee_no], "employee_no", False)[0]
    found = assignments.search_assignments(token.created_by, flt, query.page, query.per_page)
    return schemas.AssignmentPage(
        items=assignment_views(list(found.items)), page=query.page, per_page=query.per_page,
        total=found.total or 0,
    )  # fmt: skip
