"""What people tell the rest of the app at start: the names of people, teams and departments
that other records (the audit log) keep by id."""

from sqlalchemy import select

from app import references
from app.extensions import db
from app.people.models import Department, Team, User


def _named(model, ids: set[str], lang: str) -> dict[str, str]:
    rows = db.session.scalars(select(model).where(model.id.in_(references.int_ids(ids))))
    return {str(row.id): row.name(lang) for row in rows}


def person_names(ids: set[str], lang: str) -> dict[str, str]:
    return _named(User, ids, lang)


def team_names(ids: set[str], lang: str) -> dict[str, str]:
    return _named(Team, ids, lang)


def department_names(ids: set[str], lang: str) -> dict[str, str]:
    return _named(Department, ids, lang)


references.register("person", person_names, objects=("user",),
                    keys=("user_id", "manager_id", "reviewers"))  # fmt: skip
references.register("team", team_names, keys=("team_id",), objects=("team",))
references.register("department", department_names, keys=("department_id",),
                    objects=("department",))  # fmt: skip
