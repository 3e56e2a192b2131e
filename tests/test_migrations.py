"""The migrations build the schema from nothing, come down again, and match the models,
on whichever database the suite runs against (SQLite locally, PostgreSQL as well in CI)."""

from datetime import UTC, date, datetime

import pytest
from pytest_alembic.tests import (  # noqa: F401  (collected as tests of this module)
    test_model_definitions_match_ddl,
    test_single_head_revision,
    test_up_down_consistency,
    test_upgrade,
)
from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Integer,
    MetaData,
    Table,
    Text,
    column,
    create_engine,
    inspect,
    select,
    table,
    text,
)
from sqlalchemy.engine import make_url

from app.database import configure_engine


@pytest.fixture
def alembic_config():
    return {"file": "migrations/alembic.ini", "script_location": "migrations"}


@pytest.fixture
def alembic_engine(app, database_url, tmp_path):
    """An empty database of the same kind as the suite's, beside it."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        engine = create_engine(f"sqlite:///{tmp_path / 'migrations.sqlite3'}")
        configure_engine(engine, 5000)
        yield engine
        engine.dispose()
        return
    name = f"{url.database}_migrations"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine = create_engine(url.set(database=name))
    yield engine
    engine.dispose()
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
    admin.dispose()


def _insert(connection, name: str, values: dict) -> None:
    """A row with the given values; the other required columns get a value of their type."""
    reflected = Table(name, MetaData(), autoload_with=connection)
    row = dict(values)
    for col in reflected.columns:
        if col.name in row or col.nullable or col.server_default is not None:
            continue
        if col.primary_key and isinstance(col.type, Integer):
            continue
        kind = col.type
        if isinstance(kind, Boolean):
            row[col.name] = False
        elif isinstance(kind, Integer):
            row[col.name] = 0
        elif isinstance(kind, DateTime):
            row[col.name] = datetime(2026, 3, 1, tzinfo=UTC)
        elif isinstance(kind, Date):
            row[col.name] = date(2026, 3, 1)
        elif isinstance(kind, JSON):
            row[col.name] = {}
        elif hasattr(kind, "length") or kind.python_type is str:
            row[col.name] = f"{name}-{col.name}"[: getattr(kind, "length", None) or 40]
        else:
            row[col.name] = 0
    connection.execute(reflected.insert().values(**row))


DIALOGUE = {"turns": [
    {"turn": 1, "result": {"criteria": {"restate": False}, "violations": {"policy_speak": True}}},
    {"turn": 2, "result": {"criteria": {"restate": True}, "violations": {"policy_speak": False}}},
]}  # fmt: skip


def test_the_criteria_summary_is_filled_for_stored_answers_and_removed_again(
    alembic_runner, alembic_engine
):
    alembic_runner.migrate_up_to("0014_scale_indexes")
    with alembic_engine.begin() as connection:
        _insert(connection, "user", {"id": 1, "employee_no": "M1", "email": "m1@x.example",
                                     "role": "agent"})  # fmt: skip
        _insert(connection, "quiz", {"id": "q", "title": {"en": "Q"}})
        _insert(connection, "quiz_version", {"id": 1, "quiz_id": "q", "definition": {}})
        _insert(connection, "attempt", {"id": 1, "user_id": 1, "quiz_id": "q",
                                        "quiz_version_id": 1, "idempotency_key": "k"})  # fmt: skip
        details = {1: {"result": {"criteria": {"restate": True}, "violations": {}}},
                   2: DIALOGUE, 3: {"choice": "b"}}  # fmt: skip
        for answer_id, detail in details.items():
            _insert(connection, "answer", {"id": answer_id, "attempt_id": 1,
                                           "question_id": f"q{answer_id}", "position": answer_id,
                                           "response": {}, "detail": detail})  # fmt: skip
    alembic_runner.migrate_up_one()
    answer = table("answer", column("id", Integer), column("criteria", JSON))
    with alembic_engine.connect() as connection:
        found = dict(connection.execute(select(answer.c.id, answer.c.criteria)).all())
    assert found == {
        1: {"criteria": {"restate": True}, "violations": {}},
        2: {"criteria": {"restate": True}, "violations": {"policy_speak": True}},
        3: {"criteria": {}, "violations": {}},
    }
    alembic_runner.migrate_down_one()
    with alembic_engine.connect() as connection:
        columns = {c["name"] for c in inspect(connection).get_columns("answer")}
    assert "criteria" not in columns and "detail" in columns


def _starter(connection, people: dict, certificates: list, standings: list) -> None:
    """The certification "starter"; people by id: (role, active); their certificates: (id,
    person, revoked at); their standings: (person, percent, certificate)."""
    _insert(connection, "certification", {"id": "starter", "title": {"en": "S"}, "active": True})
    for user_id, (role, active) in people.items():
        _insert(connection, "user", {"id": user_id, "employee_no": f"E{user_id}",
                                     "email": f"e{user_id}@x.example", "role": role,
                                     "active": active})  # fmt: skip
    for cert_id, user_id, revoked in certificates:
        _insert(connection, "certificate", {
            "id": cert_id, "user_id": user_id, "certification_id": "starter",
            "code": f"C{cert_id}", "issue_key": f"k{cert_id}", "expires_on": date(2027, 3, 1),
            "standards_version": "2026.1", "revoked_at": revoked,
        })  # fmt: skip
    for user_id, percent, cert_id in standings:
        _insert(connection, "certification_standing", {
            "user_id": user_id, "certification_id": "starter", "percent": percent,
            "certificate_id": cert_id,
        })  # fmt: skip


def test_the_report_counts_are_filled_from_the_standings_and_removed_again(
    alembic_runner, alembic_engine
):
    alembic_runner.migrate_up_to("0015_evidence")
    with alembic_engine.begin() as connection:
        # 1 holds, 2 was revoked, 3 and 6 are under way; 4 has left and 5 manages: neither counts
        _starter(connection, {1: ("agent", True), 2: ("agent", True), 3: ("agent", True),
                              4: ("agent", False), 5: ("manager", True), 6: ("agent", True)},
                 [(1, 1, None), (2, 2, datetime(2026, 3, 2, tzinfo=UTC))],
                 [(1, 100, 1), (2, 100, 2), (3, 50, None), (4, 50, None), (5, 0, None),
                  (6, 33, None)])  # fmt: skip
    alembic_runner.migrate_up_one()
    count = table("certification_report_count", column("bucket", Text), column("kind", Text),
                  column("percent", Integer), column("count", Integer))  # fmt: skip
    with alembic_engine.connect() as connection:
        found = dict(connection.execute(select(count.c.bucket, count.c.count)).all())
    assert found == {"starter|held|2027-03-01|2026.1": 1, "starter|revoked||2026.1": 1,
                     "starter|in_progress||": 2, "|agents||": 4}  # fmt: skip

    # 0018: the cells in progress counted again by percent, for the report sorted by progress
    alembic_runner.migrate_up_to("0018_progress_counts")
    with alembic_engine.connect() as connection:
        found = connection.execute(select(count.c.bucket, count.c.percent, count.c.count)
                                   .where(count.c.kind == "progress")).all()  # fmt: skip
    assert sorted(found) == [("starter|progress|||33", 33, 1), ("starter|progress|||50", 50, 1)]
    alembic_runner.migrate_down_one()
    with alembic_engine.connect() as connection:
        columns = {c["name"] for c in inspect(connection).get_columns("certification_report_count")}
        kinds = connection.execute(text("SELECT DISTINCT kind FROM certification_report_count"))
        assert "percent" not in columns and {kind for (kind,) in kinds} == {
            "held", "revoked", "in_progress", "agents"
        }  # fmt: skip

    alembic_runner.migrate_down_to("0015_evidence")
    with alembic_engine.connect() as connection:
        assert "certification_report_count" not in inspect(connection).get_table_names()
