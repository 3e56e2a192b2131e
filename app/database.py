"""Database session behaviour shared by every capability.

SQLite gets WAL, a busy timeout and BEGIN IMMEDIATE for write transactions, so concurrent
writers wait for each other instead of failing with "database is locked".
"""

from collections.abc import Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar

from sqlalchemy import bindparam, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

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
        if _write_intent.get():
            connection.exec_driver_sql("BEGIN IMMEDIATE")  # may wait, then fail as SQLAlchemy's
        else:
            # A deferred BEGIN takes no lock and cannot fail on one: sent to the driver
            # directly, without SQLAlchemy's statement machinery, which every reading
            # request would otherwise pay for once.
            connection.connection.dbapi_connection.execute("BEGIN")


_WROTE = "database.wrote"


def commit_clean_reads(engine: Engine) -> None:
    """PostgreSQL: end a transaction that only read with COMMIT rather than ROLLBACK.

    psycopg prepares a statement the sixth time a connection runs it and forgets every prepared
    statement on ROLLBACK, and a request that only reads ends with one (its session is closed,
    not committed), so no statement stayed prepared: PostgreSQL parsed and planned each one on
    every request (the HR report's rows statement alone about 1.2 ms of planning). At READ
    COMMITTED a transaction that ran only SELECTs leaves the same state either way. A
    transaction that sent anything but a SELECT (INSERT, UPDATE, DELETE, SAVEPOINT, a statement
    opening with WITH, ...), met an error or lost its connection is rolled back as asked. What
    a SELECT writes (a function that writes, SELECT ... INTO, pg_notify) or the raw driver
    connection would not be told apart: none is used."""
    if engine.dialect.name != "postgresql":
        return
    driver_error = engine.dialect.loaded_dbapi.Error

    @event.listens_for(engine, "begin")
    def _clear(connection):
        connection.info[_WROTE] = False

    @event.listens_for(engine, "before_cursor_execute")
    def _note(connection, _cursor, statement, _parameters, _context, _executemany):
        if not statement.startswith("SELECT"):
            connection.info[_WROTE] = True

    @event.listens_for(engine, "handle_error")
    def _failed(context):
        # An invalidated connection's info would reconnect, inside the failing transaction.
        if context.connection is not None and not context.connection.invalidated:
            context.connection.info[_WROTE] = True

    @event.listens_for(engine, "rollback")
    def _commit_if_only_read(connection):
        # Sent before SQLAlchemy looks at the connection: a lost one is left to its rollback.
        if connection.invalidated or connection.info.get(_WROTE, True):
            return
        # The driver's ROLLBACK that follows finds no transaction and sends nothing. A COMMIT
        # refused by the server has ended the transaction all the same; a connection lost
        # meanwhile is reported by that ROLLBACK.
        with suppress(driver_error):
            connection.connection.dbapi_connection.commit()


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


_DIALECT_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}
_INSERTS_IF_MISSING: dict = {}


def insert_if_missing(session: Session, model, *unique: str):
    """INSERT ... ON CONFLICT (unique columns) DO NOTHING for the session's database, built
    once per model and database. Values go in as execute parameters. For rows that concurrent
    requests may create at the same moment (one person's two tabs): the second insert finds
    the first's row and does nothing, instead of failing on the unique constraint."""
    dialect = session.get_bind().dialect.name
    key = (model, unique, dialect)
    statement = _INSERTS_IF_MISSING.get(key)
    if statement is None:
        statement = _INSERTS_IF_MISSING[key] = _DIALECT_INSERTS[dialect](
            model
        ).on_conflict_do_nothing(index_elements=list(unique))
    return statement


# --- rehearsals: running a write path once, keeping nothing --------------------------------

_REHEARSAL = "database.rehearsal"


class RehearsalWouldCommit(RuntimeError):
    """Code run in a rehearsal tried to commit; the rehearsal stops there, rolled back."""


@contextmanager
def rehearsal(session: Session) -> Iterator[None]:
    """Run a block in a transaction that is always rolled back (a worker's start compiles the
    statements of a write path so, INSERTs and UPDATEs included): its statements reach the
    database, nothing it wrote stays. A COMMIT inside it is refused once the listeners that run
    before a commit have run (they send their statements too): RehearsalWouldCommit ends the
    block quietly. The listener is there only meanwhile: the requests after it pay nothing."""
    session_class = type(session() if callable(session) else session)
    event.listen(session_class, "before_commit", _refuse_commit)  # after the other listeners
    session.info[_REHEARSAL] = True
    try:
        yield
    except RehearsalWouldCommit:
        pass
    finally:
        session.rollback()
        session.info.pop(_REHEARSAL, None)
        event.remove(session_class, "before_commit", _refuse_commit)


def _refuse_commit(session: Session) -> None:
    if session.info.get(_REHEARSAL):
        raise RehearsalWouldCommit("commit")


def read_rows(session: Session, statement, params: dict | None = None):
    """The result of a SELECT of columns (no ORM entities), run on the session's connection in
    its transaction: the ORM's own work per statement, a good part of what a small query
    costs, is skipped. Changes waiting in the session are flushed first, as the session's
    autoflush would."""
    if session.autoflush:
        session.flush()  # nothing to do (and cheap) when nothing waits
    return session.connection().execute(statement, params)


def users_filter(column, one: bool):
    """`column` names the user of the parameter `user_id` (`one`), or one of the users of the
    expanding parameter `user_ids`. A statement read for one user at a time is cheaper with
    the first: an expanding list is spliced into the SQL on every execution."""
    if one:
        return column == bindparam("user_id")
    return column.in_(bindparam("user_ids", expanding=True))


def users_parameters(user_ids: list[int]) -> dict:
    """The parameters of a statement built with users_filter(..., one=len(user_ids) == 1)."""
    return {"user_id": user_ids[0]} if len(user_ids) == 1 else {"user_ids": list(user_ids)}
