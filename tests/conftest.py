"""Shared fixtures: one app per test session, a clean database for every test.

TEST_DATABASE_URL picks the database (a temporary SQLite file by default; .ci/run sets a
PostgreSQL one). Helpers follow the 'factory fixture' habit: fixtures return callables.
"""

from __future__ import annotations

import os
import tempfile
from datetime import date
from pathlib import Path

import pytest
from flask import g, has_app_context
from flask.testing import FlaskClient
from sqlalchemy import text

from app import create_app
from app.auth.services import hash_password
from app.extensions import db, limiter
from app.people import services as people
from app.people.models import Department, Team, User
from config import TestConfig, normalise_database_url

pytest_plugins = ["tests.content_tree"]

REPO_ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "correct-horse-battery"


def _test_database_url(tmp: Path) -> str:
    return normalise_database_url(
        os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp / 'khidma-test.sqlite3'}"
    )


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    return _test_database_url(tmp_path_factory.mktemp("db"))


def make_config(database_url: str, **overrides) -> type[TestConfig]:
    attrs = {"SQLALCHEMY_DATABASE_URI": database_url, "CONTENT_DIR": REPO_ROOT, **overrides}
    return type("PerTestConfig", (TestConfig,), attrs)


class IsolatedClient(FlaskClient):
    """Tests keep an app context open for their own queries, and Flask reuses it for the
    requests they make; empty its `g` (signed-in user, locale) as a fresh context would be."""

    def open(self, *args, **kwargs):
        if has_app_context():
            vars(g).clear()
        return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def _session_app(database_url):
    app = create_app(make_config(database_url))
    app.test_client_class = IsolatedClient
    with app.app_context():
        _drop_all()
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        _drop_all()
        db.engine.dispose()


def _drop_all() -> None:
    with db.engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            # team and user refer to each other; SQLite cannot drop such a pair with checks on.
            _sqlite_foreign_keys(connection, False)
        db.metadata.drop_all(connection)
        connection.commit()


def _clear_tables() -> None:
    db.session.remove()
    tables = list(reversed(db.metadata.sorted_tables))
    with db.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            _sqlite_foreign_keys(connection, False)
            for table in tables:
                connection.execute(table.delete())
            connection.commit()
            _sqlite_foreign_keys(connection, True)
        connection.commit()


def _sqlite_foreign_keys(connection, on: bool) -> None:
    # Straight to the driver: the pragma is ignored inside a transaction, and SQLAlchemy would
    # open one first.
    connection.connection.dbapi_connection.execute(f"PRAGMA foreign_keys = {'ON' if on else 'OFF'}")


@pytest.fixture
def app(_session_app):
    """The app with an empty database and fresh rate limits."""
    limiter.reset()
    with _session_app.app_context():
        yield _session_app
        _clear_tables()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_department(app):
    def make(code="care", name_en="Customer Care", name_ar="خدمة العملاء"):
        dept = Department(code=code, name_en=name_en, name_ar=name_ar)
        db.session.add(dept)
        db.session.commit()
        return dept

    return make


@pytest.fixture
def make_team(app, make_department):
    def make(code="team-a", manager=None, department=None):
        department = department or db.session.scalar(
            db.select(Department).where(Department.code == "care")
        ) or make_department()  # fmt: skip
        team = Team(
            code=code, name_en=f"Team {code}", name_ar=f"فريق {code}",
            department_id=department.id, manager_id=manager.id if manager else None,
        )  # fmt: skip
        db.session.add(team)
        db.session.commit()
        return team

    return make


@pytest.fixture
def two_teams(make_user, make_team):
    """A manager with a team of two agents, and another team with its own manager and agent."""
    manager = make_user("manager")
    own = make_team(code="own", manager=manager)
    other_manager = make_user("manager")
    other = make_team(code="other", manager=other_manager)
    return {
        "manager": manager,
        "agents": [make_user("agent", team=own), make_user("agent", team=own)],
        "other_manager": other_manager,
        "stranger": make_user("agent", team=other),
    }


@pytest.fixture
def make_user(app):
    counter = iter(range(1, 100000))

    def make(role="agent", team=None, password=PASSWORD, **values):
        n = next(counter)
        defaults = {
            "employee_no": f"T{n:05d}", "email": f"{role}{n}@khidma.example",
            "name_en": f"{role.title()} {n}", "name_ar": f"موظف {n}", "role": role,
            "hire_date": date(2025, 1, 1), "locale": "en",
            "team_id": team.id if team else None,
        }  # fmt: skip
        user = people.create_person({**defaults, **values}, actor=None)
        if password:
            user.password_hash = hash_password(password)
        db.session.commit()
        return user

    return make


@pytest.fixture
def login(client):
    """Sign a user in through the real sign-in form."""

    def do(user: User, password: str = PASSWORD):
        response = client.post("/login", data={"email": user.email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return response

    return do


@pytest.fixture
def login_as(make_user, make_team, login):
    """Create a user of a role (a manager gets a team of their own) and sign them in."""

    def do(role: str, **values) -> User:
        user = make_user(role, **values)
        if role == "manager":
            make_team(code=f"team-of-{user.id}", manager=user)
        login(user)
        return user

    return do


@pytest.fixture
def tmp_dir():
    with tempfile.TemporaryDirectory() as name:
        yield Path(name)
