"""Change counters, moved by every commit, so that a page (its ETag) can tell whether the data it
shows has changed since it was rendered.

Each mapped class says whose pages its rows appear on, with a `__change_owner__` attribute:
- the name of a column or relationship that leads to a person (by default `user_id` or
  `agent_id` when the table has one): a change moves that person's counter,
  `user.data_generation`;
- SHARED (the default for rows that name nobody): content and organisation data that many
  people's pages show; a change moves the shared counter;
- UNSEEN: rows that no page with an ETag shows (the audit log, upload bookkeeping); nothing moves.
Every change that is not UNSEEN also moves the overall counter, which pages showing many
people's data at once (team progress, reports) are keyed on.

The counters move in the committing transaction, right before COMMIT, so nobody can read a
change without its new counters. Over-counting is harmless (a page is rendered again);
under-counting would show stale data, so anything not understood counts as SHARED.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from functools import cache

from sqlalchemy import BinaryExpression, BindParameter, Table, event, inspect, update
from sqlalchemy.orm import ORMExecuteState, Session
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import BooleanClauseList

SHARED = "shared"
UNSEEN = "unseen"
_DEFAULT_OWNER_COLUMNS = ("user_id", "agent_id")
_PENDING = "page_cache.pending_changes"
_SHARED_COMMITS = "page_cache.shared_commits"


@dataclass
class PendingChanges:
    users: set[int] = field(default_factory=set)
    shared: bool = False
    overall: bool = False

    def add(self, owners: set[int] | str) -> None:
        if owners == UNSEEN:
            return
        self.overall = True
        if owners == SHARED:
            self.shared = True
        else:
            self.users |= owners


def install(session_class: type[Session], user_table: Table, generation_table: Table) -> None:
    """Listen to every session of `session_class`; idempotent."""
    _SETUP.update(user=user_table, generation=generation_table)
    if event.contains(session_class, "before_commit", _before_commit):
        return
    event.listen(session_class, "before_flush", _before_flush)
    event.listen(session_class, "do_orm_execute", _on_execute)
    event.listen(session_class, "before_commit", _before_commit)
    event.listen(session_class, "after_transaction_end", _forget)


_SETUP: dict = {}


def pending(session: Session) -> PendingChanges:
    return session.info.setdefault(_PENDING, PendingChanges())


def shared_commits(session: Session) -> int:
    """How many transactions of this session have committed (or were about to commit) a change
    to shared data: a shared counter read before the last of them is behind."""
    return session.info.get(_SHARED_COMMITS, 0)


def _before_flush(session: Session, _flush_context, _instances) -> None:
    changes = pending(session)
    for obj in session.new:
        changes.add(owners_of(obj))
    for obj in session.dirty:
        if session.is_modified(obj, include_collections=False):
            changes.add(owners_of(obj))
    for obj in session.deleted:
        changes.add(owners_of(obj))


def _on_execute(state: ORMExecuteState) -> None:
    """UPDATE/DELETE/INSERT statements run through the session rather than the unit of work."""
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    # the mapped class a statement was built from; None for a bare Table (counted as SHARED)
    cls = state.statement.entity_description.get("entity")
    if state.is_insert:
        owners = _inserted_owners(state.parameters, cls)
    else:
        owners = _statement_owners(state.statement, cls)
    pending(state.session).add(owners)


def _before_commit(session: Session) -> None:
    session.flush()  # so the last changes are counted too
    changes = session.info.pop(_PENDING, None)
    if changes is None or not changes.overall:
        return
    if changes.shared:
        session.info[_SHARED_COMMITS] = shared_commits(session) + 1
    # Core statements on the session's connection: no ORM events, so no counting of our own.
    connection = session.connection()
    users, generation = _SETUP["user"], _SETUP["generation"]
    if changes.users:
        connection.execute(
            update(users)
            .where(users.c.id.in_(sorted(changes.users)))
            .values(data_generation=users.c.data_generation + 1)
        )
    moved = connection.execute(
        update(generation)
        .where(generation.c.id == 1)
        .values(shared=generation.c.shared + int(changes.shared), overall=generation.c.overall + 1)
    )
    if moved.rowcount == 0:
        connection.execute(generation.insert().values(id=1, epoch=new_epoch(), shared=1, overall=1))


def _forget(session: Session, transaction) -> None:
    """Changes belong to the outermost transaction: once it ends (committed, rolled back or
    closed), what it counted is settled."""
    if transaction.parent is None:
        session.info.pop(_PENDING, None)


def new_epoch() -> int:
    return secrets.randbits(62)


@cache  # asked for every row of every flush; a class's declaration never changes
def owner_spec(cls: type) -> str:
    spec = getattr(cls, "__change_owner__", "")
    if spec is None:
        return UNSEEN
    if spec:
        return spec
    columns = inspect(cls).columns
    return next((name for name in _DEFAULT_OWNER_COLUMNS if name in columns), SHARED)


def owners_of(obj) -> set[int] | str:
    """The ids of the people whose pages show this row, or SHARED or UNSEEN."""
    spec = owner_spec(type(obj))
    if spec in (SHARED, UNSEEN):
        return spec
    if spec in inspect(type(obj)).relationships:
        target = getattr(obj, spec)
        return owners_of(target) if target is not None else SHARED
    value = getattr(obj, spec)
    owners = {value} if value is not None else set()
    # A row handed from one person to another changes both people's pages.
    history = inspect(obj).attrs[spec].history
    owners.update(old for old in history.deleted or () if old is not None)
    return owners


def _statement_owners(statement, cls: type | None) -> set[int] | str:
    """The people a DML statement touches, when its WHERE says so plainly (`owner = :id` or
    `owner IN (...)` among ANDed conditions); otherwise SHARED."""
    if cls is None:
        return SHARED
    spec = owner_spec(cls)
    if spec in (SHARED, UNSEEN):
        return spec
    if spec in inspect(cls).relationships:  # the owner is on another table: not in this WHERE
        return SHARED
    where = getattr(statement, "whereclause", None)
    if where is None:
        return SHARED
    conditions = (
        where.clauses
        if isinstance(where, BooleanClauseList) and where.operator is operators.and_
        else [where]
    )
    for condition in conditions:
        owners = _owner_values(condition, statement.table.name, spec)
        if owners is not None:
            return owners
    return SHARED


def _inserted_owners(parameters, cls: type | None) -> set[int] | str:
    """The people an INSERT's rows belong to, when every row names its owner in the execute
    parameters; otherwise SHARED."""
    if cls is None:
        return SHARED
    spec = owner_spec(cls)
    if spec in (SHARED, UNSEEN):
        return spec
    if spec in inspect(cls).relationships:  # the owner is on another table
        return SHARED
    rows = [parameters] if isinstance(parameters, dict) else list(parameters or ())
    if not rows or any(row.get(spec) is None for row in rows):
        return SHARED
    return {row[spec] for row in rows}


def _owner_values(condition, table_name: str, column_name: str) -> set[int] | None:
    if not isinstance(condition, BinaryExpression):
        return None
    left = condition.left
    if getattr(left, "key", None) != column_name or getattr(left, "table", None) is None:
        return None
    if left.table.name != table_name:
        return None
    right = condition.right
    if condition.operator is operators.eq and isinstance(right, BindParameter):
        return {right.effective_value}
    if condition.operator is operators.in_op and isinstance(right, BindParameter):
        return set(right.effective_value or ())
    return None
