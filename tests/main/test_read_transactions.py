"""How a request's transaction ends: one that only read is committed on PostgreSQL (so that
psycopg keeps its prepared statements), anything else is rolled back as asked.

Each test serves its requests from an app of its own, with no app context held open around
them, so each request ends its transaction as under a real server.
"""

from __future__ import annotations

import pytest
from flask import abort
from sqlalchemy import func, select, text, update
from sqlalchemy.exc import OperationalError

from app import create_app
from app.extensions import db
from app.page_cache.models import DataGeneration
from app.people.models import Department
from tests.conftest import PASSWORD, make_config


@pytest.fixture
def served(app, database_url):
    """A second app on the test database, with routes that write and then fail."""
    other = create_app(make_config(database_url))

    def flushed_then_refused():
        db.session.add(Department(code="refused", name_ar="مرفوض", name_en="Refused"))
        db.session.flush()
        abort(409)

    def updated_then_raised():
        db.session.execute(update(Department).values(name_en="Renamed"))
        raise RuntimeError("after the UPDATE")

    def updated_then_answered():
        db.session.execute(update(Department).values(name_en="Renamed"))
        return "not committed"

    def updated_after_with():
        # a write in a statement that opens with WITH, as SQLite and PostgreSQL both take it
        db.session.execute(text(
            "WITH renamed AS (SELECT 'Renamed' AS name) "
            "UPDATE department SET name_en = (SELECT name FROM renamed)"
        ))  # fmt: skip
        return "not committed"

    def updated_in_lower_case():
        db.session.execute(text("update department set name_en = 'Renamed'"))
        return "not committed"

    def savepoint_released():
        with db.session.begin_nested():
            db.session.add(Department(code="nested", name_ar="داخلي", name_en="Nested"))
        return "not committed"

    def connection_lost():
        if db.engine.dialect.name == "postgresql":
            try:  # the server ends this very connection, as a restart or a proxy would
                db.session.execute(text("SELECT pg_terminate_backend(pg_backend_pid())"))
            except OperationalError:
                return "the database went away", 503
        return "still here", 503

    for view in (flushed_then_refused, updated_then_raised, updated_then_answered,
                 updated_after_with, updated_in_lower_case, savepoint_released,
                 connection_lost):  # fmt: skip
        other.add_url_rule(f"/_test/{view.__name__}", view.__name__, view)
    other.config["PROPAGATE_EXCEPTIONS"] = False
    yield other
    with other.app_context():
        db.session.remove()
        db.engine.dispose()


def _prepared(other) -> list[str]:
    """The statements prepared on the other app's one pooled connection (PostgreSQL)."""
    with other.app_context():
        statements = db.session.scalars(text("SELECT statement FROM pg_prepared_statements"))
        found = list(statements)
        db.session.rollback()
        return found


def test_pages_that_only_read_keep_their_statements_prepared(served, make_user):
    agent = make_user("agent")
    db.session.commit()
    client = served.test_client()
    client.post("/login", data={"email": agent.email, "password": PASSWORD})
    generation = db.session.scalar(select(DataGeneration.overall))
    for _ in range(8):
        assert client.get("/").status_code == 200
    db.session.rollback()
    assert db.session.scalar(select(DataGeneration.overall)) == generation  # nothing moved
    if db.engine.dialect.name != "postgresql":
        assert db.engine.dialect.name == "sqlite"  # its driver keeps its own statement cache
        return
    # the signed-in person is read on every request: prepared after psycopg's fifth time
    prepared = _prepared(served)
    assert any('FROM "user"' in statement for statement in prepared), prepared


@pytest.mark.parametrize(
    "path, status",
    [("/_test/flushed_then_refused", 409), ("/_test/updated_then_raised", 500),
     ("/_test/updated_then_answered", 200), ("/_test/updated_after_with", 200),
     ("/_test/updated_in_lower_case", 200), ("/_test/savepoint_released", 200)],
)  # fmt: skip
def test_a_request_that_wrote_without_committing_keeps_nothing(served, path, status):
    db.session.add(Department(code="kept", name_ar="قسم", name_en="Kept"))
    db.session.commit()
    client = served.test_client()
    for _ in range(6):  # past psycopg's threshold, so that its statements would be prepared
        assert client.get(path).status_code == status
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Department)) == 1
    assert db.session.scalar(select(Department.name_en)) == "Kept"


def test_a_view_that_lost_its_connection_answers_and_the_next_request_works(served, make_user):
    agent = make_user("agent")
    db.session.commit()
    client = served.test_client()
    for _ in range(6):  # the connection's statements prepared, then the connection lost
        assert client.get("/_test/connection_lost").status_code == 503
    client.post("/login", data={"email": agent.email, "password": PASSWORD})
    assert client.get("/").status_code == 200
