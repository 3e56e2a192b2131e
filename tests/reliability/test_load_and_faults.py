"""Short versions of the load and fault runs in bench/bench_load.py: a real gunicorn, real
clients, and the database checked afterwards. The full runs are `python -m bench.bench_load`."""

import os

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bench import bench_load


@pytest.fixture
def served_database(database_url, tmp_path):
    """A database of the suite's kind for the served app, apart from the suite's own."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / 'served.sqlite3'}"
        return
    name = f"{url.database}_served_{os.getpid()}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _assert_nothing_lost(result: dict) -> None:
    assert result["server_errors"] == 0, result
    assert result["database_locked"] == 0, result
    assert result["mismatched_resends"] == 0, result
    assert result["stored_attempts"] == result["acknowledged"], result
    assert result["acknowledged_missing"] == 0 and result["duplicate_keys"] == 0, result
    assert result["incomplete_attempts"] == 0, result
    assert result["integrity_check"] in ("ok", "n/a"), result
    assert result["report_counts_off"] == 0, result  # the report's totals equal a recount


def test_concurrent_submissions_with_resends_store_one_attempt_per_form(served_database):
    result = bench_load.run(served_database, clients=8, submissions=120)
    assert result["acknowledged"] == 120
    _assert_nothing_lost(result)


def test_killed_workers_lose_nothing_and_leave_nothing_half_written(served_database):
    result = bench_load.run(served_database, clients=6, submissions=90, kill_every=1.0)
    assert result["workers_killed"] >= 1
    assert result["acknowledged"] == 90
    _assert_nothing_lost(result)
