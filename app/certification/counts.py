"""The HR report's totals kept as counts (ReportCount), changed in the transaction that changes
what they count.

Whatever code changes a standing, a certificate or a person, the session notices it at flush:
a standing added, removed, or with another percent or certificate; a certificate revoked (or
its expiry or standards version changed); a person activated, deactivated, added or given
another role. Before the first such change to a person in a transaction, what that person's
standings count as is read (on PostgreSQL after locking the person's row, so that no other
transaction moves them meanwhile); right before COMMIT it is read again, and the difference goes
into the counts, bucket by bucket in a fixed order. Updating the counts last keeps their rows,
which every writer shares, locked only while committing.

A savepoint's commit applies what was noted so far; what changes after it is noted afresh.
Rows written behind the session's back (bulk INSERTs, UPDATE statements, COPY) are not seen:
`rebuild()` counts everything again, and the daily job's `check()` sets right what differs.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from itertools import chain

from sqlalchemy import (
    Date,
    Integer,
    String,
    and_,
    bindparam,
    case,
    cast,
    delete,
    event,
    func,
    inspect,
    literal,
    null,
    select,
    text,
    union_all,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.certification.models import (
    Certificate,
    Certification,
    CertificationStanding,
    ReportCount,
)
from app.people.models import Role, User

AGENTS = "agents"
PROGRESS = "progress"
# (certification id, kind, expiry date, standards version, percent): one ReportCount row
Bucket = tuple[str | None, str, date | None, str | None, int | None]
_PENDING = "certification.report_counts"
_STANDING_FIELDS = ("percent", "certificate_id", "user_id", "certification_id")
_CERTIFICATE_FIELDS = ("revoked_at", "expires_on", "standards_version", "user_id")
_USER_FIELDS = ("active", "role")


def bucket_key(bucket: Bucket) -> str:
    certification_id, kind, expires_on, version, percent = bucket
    day = expires_on.isoformat() if expires_on else ""
    key = f"{certification_id or ''}|{kind}|{day}|{version or ''}"
    return key if percent is None else f"{key}|{percent}"


# --- what people's standings count as -------------------------------------------------------


_AGENT = and_(User.role == Role.AGENT.value, User.active)


def _recount_statement():
    """(certification, kind, expiry, version, percent, count) of every standing of an active
    agent, counted in SQL; those in progress again by certification and percent; and the
    number of active agents."""
    standing = CertificationStanding
    held = and_(Certificate.id.is_not(None), Certificate.revoked_at.is_(None))
    kind = case(
        (Certificate.id.is_(None),
         case((func.coalesce(standing.percent, 0) > 0, "in_progress"), else_="not_started")),
        (Certificate.revoked_at.is_not(None), "revoked"),
        else_="held",
    )  # fmt: skip
    expires_on = case((held, Certificate.expires_on), else_=null())
    no_day, no_version = cast(null(), Date), cast(null(), String)
    no_percent = cast(null(), Integer).label("percent")
    standings = (
        select(standing.certification_id, kind.label("kind"), expires_on.label("expires_on"),
               Certificate.standards_version, no_percent, func.count().label("n"))
        .join(User, and_(User.id == standing.user_id, _AGENT))
        .outerjoin(Certificate, Certificate.id == standing.certificate_id)
        .group_by(standing.certification_id, kind, expires_on, Certificate.standards_version)
    )  # fmt: skip
    progress = (
        select(standing.certification_id, literal(PROGRESS).label("kind"),
               no_day.label("expires_on"), no_version.label("standards_version"),
               standing.percent.label("percent"), func.count().label("n"))
        .join(User, and_(User.id == standing.user_id, _AGENT))
        .where(standing.certificate_id.is_(None), standing.percent > 0)
        .group_by(standing.certification_id, standing.percent)
    )  # fmt: skip
    agents = select(
        cast(null(), String).label("certification_id"), literal(AGENTS).label("kind"),
        no_day.label("expires_on"), no_version.label("standards_version"), no_percent,
        func.count().label("n"),
    ).where(_AGENT)  # fmt: skip
    return union_all(standings, progress, agents)


# A few people's standings, one row each (and one row for an active agent without any): read
# before and after every change, so kept simple; the buckets are worked out in Python. The
# tests compare what that keeps with the recount above, worked out in SQL.
_PEOPLE = (
    select(User.id, CertificationStanding.certification_id, CertificationStanding.percent,
           Certificate.id, Certificate.revoked_at, Certificate.expires_on,
           Certificate.standards_version)
    .outerjoin(CertificationStanding, CertificationStanding.user_id == User.id)
    .outerjoin(Certificate, Certificate.id == CertificationStanding.certificate_id)
    .where(User.id.in_(bindparam("user_ids", expanding=True)), _AGENT)
)  # fmt: skip
_RECOUNT = _recount_statement()


def buckets_of(certification_id, percent, certificate_id, revoked_at, expires_on, version):
    """What one standing counts as (as _recount_statement decides it in SQL): its status's
    bucket, and when in progress its percent's too."""
    if certificate_id is None and (percent or 0) > 0:
        return [(certification_id, "in_progress", None, None, None),
                (certification_id, PROGRESS, None, None, percent)]  # fmt: skip
    if certificate_id is None:
        return [(certification_id, "not_started", None, None, None)]
    if revoked_at is not None:
        return [(certification_id, "revoked", None, version, None)]
    return [(certification_id, "held", expires_on, version, None)]


def counted(connection, user_ids: set[int] | None = None) -> Counter[Bucket]:
    """What the standings of these people (everyone when None, counted in SQL) count as, and
    how many of them are active agents."""
    found: Counter[Bucket] = Counter()
    if user_ids is None:
        for certification_id, kind, expires_on, version, percent, n in connection.execute(_RECOUNT):
            if isinstance(expires_on, str):  # SQLite hands back a date made by CASE as text
                expires_on = date.fromisoformat(expires_on)
            if n:
                found[(certification_id, kind, expires_on, version, percent)] += n
        return found
    if not user_ids:
        return found
    agents = set()
    for user_id, *standing in connection.execute(_PEOPLE, {"user_ids": sorted(user_ids)}):
        agents.add(user_id)
        if standing[0] is not None:
            found.update(buckets_of(*standing))
    if agents:
        found[(None, AGENTS, None, None, None)] += len(agents)
    return found


# --- keeping the counts ---------------------------------------------------------------------


@dataclass
class _Pending:
    """In one transaction: the people whose standings may count otherwise, and what they
    counted as before it changed anything."""

    people: set[int] = field(default_factory=set)
    before: Counter = field(default_factory=Counter)


def install(session_class: type[Session]) -> None:
    """Keep the counts for every session of `session_class`; idempotent."""
    if event.contains(session_class, "before_commit", _before_commit):
        return
    event.listen(session_class, "before_flush", _before_flush)
    event.listen(session_class, "after_flush", _after_flush)
    event.listen(session_class, "before_commit", _before_commit)
    event.listen(session_class, "after_transaction_end", _forget)


def _pending(session: Session) -> _Pending:
    return session.info.setdefault(_PENDING, _Pending())


def _changed(obj, names: tuple[str, ...]) -> bool:
    attrs = inspect(obj).attrs
    return any(attrs[name].history.has_changes() for name in names)


def _old_and_new(obj, name: str) -> set[int]:
    """The value before this flush and after it (read from the row if not loaded)."""
    history = inspect(obj).attrs[name].history
    values = {*history.added, *history.deleted, getattr(obj, name)}
    return {value for value in values if value is not None}


_WATCHED = ((CertificationStanding, _STANDING_FIELDS, "user_id", True),
            (Certificate, _CERTIFICATE_FIELDS, "user_id", False),
            (User, _USER_FIELDS, "id", False))  # fmt: skip


def _people_touched(session: Session) -> set[int]:
    """People (already stored) whose standings this flush may make count otherwise: a standing
    added, removed or changed; a certificate changed or removed (a new one counts once a
    standing points to it); a person changed or removed (a new one is counted after the
    flush)."""
    found: set[int] = set()
    for obj in chain(session.new, session.dirty, session.deleted):
        for model, fields, person, counts_when_new in _WATCHED:
            if not isinstance(obj, model):
                continue
            if obj in session.new:
                moved = counts_when_new
            else:
                moved = obj in session.deleted or _changed(obj, fields)
            if moved:
                found |= _old_and_new(obj, person)
    return found


def _before_flush(session: Session, _flush_context, _instances) -> None:
    touched = _people_touched(session)
    pending = session.info.get(_PENDING)
    if pending is not None:
        touched -= pending.people
    if not touched:
        return
    pending = _pending(session)
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        # Nobody else may move these people's standings until this transaction ends.
        connection.execute(
            select(User.id).where(User.id.in_(sorted(touched))).order_by(User.id)
            .with_for_update()
        )  # fmt: skip
    pending.before.update(counted(connection, touched))
    pending.people |= touched


def _after_flush(session: Session, _flush_context) -> None:
    # People added in this flush have just been given their ids; they counted as nothing.
    added = {obj.id for obj in session.new if isinstance(obj, User)}
    if added:
        _pending(session).people |= added


def _before_commit(session: Session) -> None:
    if not session.info.get(_PENDING):
        return
    session.flush()  # the last changes too
    pending = session.info.pop(_PENDING)
    connection = session.connection()
    after = counted(connection, pending.people)
    moves = {b: after[b] - pending.before[b] for b in set(after) | set(pending.before)}
    apply(connection, {b: n for b, n in moves.items() if n})


def _forget(session: Session, transaction) -> None:
    """What a transaction noted is settled once the outermost one ends (committed, rolled
    back or closed)."""
    if transaction.parent is None:
        session.info.pop(_PENDING, None)


_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}
_UPSERTS: dict[str, object] = {}


def _upsert(dialect: str):
    statement = _UPSERTS.get(dialect)
    if statement is None:
        insert = _INSERTS[dialect](ReportCount.__table__)
        statement = _UPSERTS[dialect] = insert.on_conflict_do_update(
            index_elements=["bucket"],
            set_={"count": ReportCount.__table__.c.count + insert.excluded["count"]},
        )
    return statement


def apply(connection, moves: dict[Bucket, int]) -> None:
    """Add each move to its bucket's count, in the order of the buckets' keys (two writers
    never wait for each other in opposite orders)."""
    if not moves:
        return
    rows = [
        {"bucket": bucket_key(bucket), "certification_id": bucket[0], "kind": bucket[1],
         "expires_on": bucket[2], "standards_version": bucket[3], "percent": bucket[4],
         "count": n}
        for bucket, n in sorted(moves.items(), key=lambda item: bucket_key(item[0]))
    ]  # fmt: skip
    connection.execute(_upsert(connection.dialect.name), rows)


def rebuild(session: Session) -> int:
    """Count every standing again, replacing the counts (after rows were written in bulk);
    the caller commits. Returns the number of buckets."""
    connection = _locked(session)
    found = counted(connection)
    _replace(connection, found)
    return len(found)


def check(session: Session) -> int:
    """Compare the counts with a recount of every standing and set right the buckets that
    differ (rows written around the app); the caller commits. Returns how many differed."""
    connection = _locked(session)
    kept, found = stored(connection), counted(connection)
    wrong = [b for b in set(kept) | set(found) if kept[b] != found[b]]
    if wrong:
        _replace(connection, found)
    return len(wrong)


def _locked(session: Session):
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        # Writers add their moves when they commit: they wait until this transaction ends, and
        # the standings they changed are not counted here (not committed yet).
        connection.execute(text("LOCK TABLE certification_report_count IN EXCLUSIVE MODE"))
    return connection


def _replace(connection, found: Counter[Bucket]) -> None:
    connection.execute(delete(ReportCount.__table__))
    apply(connection, dict(found))


def stored(connection) -> Counter[Bucket]:
    """The counts as kept, without the empty buckets."""
    rows = connection.execute(select(ReportCount.certification_id, ReportCount.kind,
                                     ReportCount.expires_on, ReportCount.standards_version,
                                     ReportCount.percent, ReportCount.count))  # fmt: skip
    return Counter({(c, k, e, v, p): n for c, k, e, v, p, n in rows if n})


def differences(connection) -> dict[Bucket, tuple[int, int]]:
    """The buckets whose kept count is not what counting every standing again gives:
    (kept, counted). Empty when the counts are right."""
    kept, found = stored(connection), counted(connection)
    return {b: (kept[b], found[b]) for b in set(kept) | set(found) if kept[b] != found[b]}


# --- reading them ---------------------------------------------------------------------------

TODAY = bindparam("today", type_=Date)
SOON = bindparam("soon", type_=Date)


def totals_statement(certification: bool, older_version: bool, current_version: bool):
    """Standings per report status from the counts: the `today`, `soon`, `certification_id`
    and `current_version` parameters as the report's."""
    status = case(
        (ReportCount.kind != "held", ReportCount.kind),
        (ReportCount.expires_on < TODAY, "expired"),
        (ReportCount.expires_on <= SOON, "expiring"),
        else_="certified",
    )
    query = (
        select(status, func.sum(ReportCount.count))
        .join(Certification, Certification.id == ReportCount.certification_id)
        .where(Certification.active, ReportCount.kind != PROGRESS)
        .group_by(status)
    )
    if certification:
        query = query.where(Certification.id == bindparam("certification_id"))
    if older_version:
        query = query.where(ReportCount.kind.in_(("held", "revoked")),
                            ReportCount.standards_version.is_not(None))  # fmt: skip
        if current_version:
            query = query.where(ReportCount.standards_version != bindparam("current_version"))
    return query


def cells_statement(certification: bool):
    """Active agents times active certifications (the `certification_id` one when asked)."""
    agents = select(func.coalesce(func.sum(ReportCount.count), 0)).where(ReportCount.kind == AGENTS)
    certifications = select(func.count(Certification.id)).where(Certification.active)
    if certification:
        certifications = certifications.where(Certification.id == bindparam("certification_id"))
    return select(agents.scalar_subquery() * certifications.scalar_subquery())


def progress_statement(certification: bool):
    """(percent, cells) in progress (no certificate, percent above 0) by percent, over the
    active certifications (the `certification_id` one when asked)."""
    query = (
        select(ReportCount.percent, func.sum(ReportCount.count))
        .join(Certification, Certification.id == ReportCount.certification_id)
        .where(Certification.active, ReportCount.kind == PROGRESS)
        .group_by(ReportCount.percent)
        .having(func.sum(ReportCount.count) > 0)
    )
    if certification:
        query = query.where(Certification.id == bindparam("certification_id"))
    return query
