"""Loading the demo company into an empty installation."""

from datetime import date, timedelta

from sqlalchemy import func, select

from app import clock
from app.auth.services import hash_password
from app.demo import data
from app.extensions import db
from app.people import services as people
from app.people.models import Department, Team, User


class DemoRefused(Exception):
    pass


def demo_state() -> str:
    """'empty', 'loaded' (only demo accounts exist) or 'real' (someone else is here)."""
    total = db.session.scalar(select(func.count(User.id)))
    if not total:
        return "empty"
    demo = db.session.scalar(
        select(func.count(User.id)).where(User.email.like(f"%@{data.DEMO_DOMAIN}"))
    )
    return "loaded" if demo == total else "real"


def load_demo() -> int:
    """Create the demo departments, teams and people as of the app clock's today; refuses next
    to real users.

    Everything the demo holds is a function of that day (hire dates, history, certificates), so
    it looks the same whichever day it is loaded. Returns how many people were created. The
    caller commits.
    """
    today = clock.today()
    state = demo_state()
    if state == "real":
        raise DemoRefused("the database holds real users; demo data is only for an empty one")
    if state == "loaded":
        return 0
    departments = {}
    for values in data.DEPARTMENTS:
        departments[values["code"]] = people.save_department(None, values, actor=None)
    users = {}
    for login, number, role, name_ar, name_en, _team, days, locale in data.PEOPLE:
        users[login] = _create(
            login, number, role, name_ar, name_en, today - timedelta(days), locale
        )
    teams = _create_teams(departments, users)
    for login, *_rest, team_code, _days, _locale in data.PEOPLE:
        if team_code:
            people.update_person(users[login], {"team_id": teams[team_code].id}, actor=None)
    db.session.flush()
    load_history(today)
    return len(users)


def load_history(today: date) -> dict:
    """Course history, standards evidence and certificates for the demo agents, when the
    content is loaded (each part skips itself when it has run before)."""
    from app.demo.certification_demo import load_certification_demo
    from app.demo.progress_demo import load_progress_demo
    from app.demo.standards_demo import load_standards_demo

    counts = {"completions": load_progress_demo(today)}
    counts.update(load_standards_demo(today))
    counts["certificates"] = load_certification_demo(today)
    return counts


def _create(login, number, role, name_ar, name_en, hired, locale) -> User:
    user = people.create_person(
        {
            "employee_no": number, "email": data.demo_email(login), "name_ar": name_ar,
            "name_en": name_en, "role": role, "hire_date": hired, "locale": locale,
        },
        actor=None,
    )  # fmt: skip
    user.password_hash = hash_password(data.DEMO_PASSWORD)
    return user


def _create_teams(departments: dict[str, Department], users: dict[str, User]) -> dict[str, Team]:
    teams = {}
    for code, dept, name_ar, name_en, manager in data.TEAMS:
        values = {
            "code": code, "name_ar": name_ar, "name_en": name_en,
            "department_id": departments[dept].id, "manager_id": users[manager].id,
        }  # fmt: skip
        teams[code] = people.save_team(None, values, actor=None)
        people.update_person(users[manager], {"department_id": departments[dept].id}, actor=None)
    return teams
