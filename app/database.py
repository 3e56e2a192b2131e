"""Database session behaviour shared by every capability.

SQLite gets WAL, a busy timeout and BEGIN IMMEDIATE for write transactions, so concurrent
writers wait for each other instead of failing with "database is locked".
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from sqlalchemy import event
from sqlalchemy.engine import Engine

_write_intent: ContextVar[bool] = ContextVar("write_intent", default=False)


def configure_engine(engine: Engine, busy_timeout_ms: int) -> None:
    """Install the SQLite pragmas and transaction mode; other databases are left alone."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy's "begin" event issue BEGIN itself, so we choose its mode.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys = ON")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        mode = "BEGIN IMMEDIATE" if _write_intent.get() else "BEGIN"
        connection.exec_driver_sql(mode)


def set_write_intent(value: bool) -> None:
    """Mark the current context (a request or a command) as one that writes."""
    _write_intent.set(value)


@contextmanager
def writing() -> Iterator[None]:
    """Run a block whose transactions take the write lock up front (SQLite)."""
    token = _write_intent.set(True)
    try:
        yield
    finally:
        _write_intent.reset(token)
