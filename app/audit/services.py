"""Recording and reading the audit log. Callers commit; the entry joins their transaction."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import islice

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app import references
from app.audit.models import AuditEntry
from app.extensions import db
from app.models_base import UTC


def record(action, obj_type, obj_id, *, actor=None, before=None, after=None, reason=None):
    """Add an audit entry to the current transaction."""
    entry = AuditEntry(
        action=action,
        object_type=obj_type,
        object_id=str(obj_id),
        actor_id=getattr(actor, "id", None),
        before=_jsonable(before),
        after=_jsonable(after),
        reason=reason,
    )
    db.session.add(entry)
    return entry


def changed_fields(before: dict, after: dict) -> tuple[dict, dict]:
    """Keep only the keys whose values differ, so entries show what changed."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def _jsonable(value):
    if value is None:
        return None
    return {k: (v.isoformat() if isinstance(v, date | datetime) else v) for k, v in value.items()}


@dataclass
class AuditFilter:
    action: str = ""
    object_type: str = ""
    actor_id: int | None = None
    since: date | None = None
    until: date | None = None


def _entries_query(flt: AuditFilter):
    query = select(AuditEntry).options(joinedload(AuditEntry.actor))
    if flt.action:
        query = query.where(AuditEntry.action == flt.action)
    if flt.object_type:
        query = query.where(AuditEntry.object_type == flt.object_type)
    if flt.actor_id:
        query = query.where(AuditEntry.actor_id == flt.actor_id)
    if flt.since:
        query = query.where(AuditEntry.at >= datetime.combine(flt.since, time(), UTC))
    if flt.until:
        end = datetime.combine(flt.until + timedelta(days=1), time(), UTC)
        query = query.where(AuditEntry.at < end)
    return query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())


def search_entries(flt: AuditFilter, page: int, per_page: int = 50):
    """A page of entries, newest first, with actors loaded in the same query."""
    return db.paginate(_entries_query(flt), page=page, per_page=per_page, error_out=False)


def iter_entries(flt: AuditFilter, batch: int = 1000):
    """Every matching entry, newest first, read in batches (for the CSV export)."""
    query = _entries_query(flt).execution_options(yield_per=batch)
    yield from db.session.scalars(query)


def names_of(entries, lang: str) -> references.Names:
    """The names of everything the entries refer to (people, courses, teams... and their
    objects), in `lang`: one query per kind of reference, however many entries there are."""
    gathering = references.Gathering()
    for entry in entries:
        gathering.add_values(entry.before)
        gathering.add_values(entry.after)
        gathering.add_object(entry.object_type, entry.object_id)
    return gathering.named(lang)


def iter_named_entries(flt: AuditFilter, lang: str, batch: int = 1000):
    """Every matching entry with the names of what it refers to, newest first: the names are
    looked up once per batch of entries, so a long export neither queries per row nor holds
    every entry in memory."""
    entries = iter_entries(flt, batch)
    while chunk := list(islice(entries, batch)):
        names = names_of(chunk, lang)
        for entry in chunk:
            yield entry, names


def known_actions() -> list[str]:
    return list(
        db.session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action))
    )


def actor(user_id: int):
    """The person who made entries under `user_id` (for a filter's description), or None."""
    query = (
        select(AuditEntry)
        .options(joinedload(AuditEntry.actor))
        .where(AuditEntry.actor_id == user_id)
        .limit(1)
    )
    entry = db.session.scalar(query)
    return entry.actor if entry else None
