"""The migrations build the schema from nothing, come down again, and match the models,
on whichever database the suite runs against (SQLite locally, PostgreSQL as well in CI)."""

import pytest
from pytest_alembic.tests import (  # noqa: F401  (collected as tests of this module)
    test_model_definitions_match_ddl,
    test_single_head_revision,
    test_up_down_consistency,
    test_upgrade,
)
from sqlalchemy import create_engine, text
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
