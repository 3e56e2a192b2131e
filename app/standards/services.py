"""Service standards operations other capabilities rely on: the current version, who has
acknowledged it, and agents' compliance statuses."""

from __future__ import annotations

from functools import cache

from sqlalchemy import String, bindparam, cast, null, select, union_all

from app import clock, events
from app.audit import services as audit
from app.database import read_rows, users_filter, users_parameters
from app.extensions import db
from app.notifications.services import notify
from app.page_cache.pages import shared_value
from app.people.models import Role, User

# current_version, path_for, standards_of and stored_statuses are read by other capabilities
# through this module: each is marked as passed on (`as` itself)
from app.standards.definitions import cached_current_version
from app.standards.definitions import current_version as current_version
from app.standards.definitions import path_for as path_for
from app.standards.definitions import standards_of as standards_of
from app.standards.definitions import stored_statuses as stored_statuses
from app.standards.models import Acknowledgement, ComplianceStatus, StandardsVersion
from app.standards.statuses import recompute


class StandardsError(ValueError):
    """A domain error tied to a form field."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


# --- acknowledgement --------------------------------------------------------------------------


def acknowledged_current(user_ids: list[int]) -> set[int]:
    """Of these users, those who acknowledged the current version."""
    version_id = shared_value("current standards version id", _current_version_id)
    if version_id is None or not user_ids:
        return set()
    params = {"version_id": version_id, "user_ids": list(user_ids)}
    return set(read_rows(db.session, _statement("acknowledged"), params).scalars())


@cache
def _statement(name: str):
    """Statements that every certification standing reads, built once."""
    user_ids = bindparam("user_ids", expanding=True)
    if name == "acknowledged":
        return select(Acknowledgement.user_id).where(
            Acknowledgement.version_id == bindparam("version_id"),
            Acknowledgement.user_id.in_(user_ids),
        )
    if name == "statuses":
        return select(
            ComplianceStatus.user_id, ComplianceStatus.standard_id, ComplianceStatus.status
        ).where(ComplianceStatus.user_id.in_(user_ids))
    raise KeyError(name)


@cache
def _acknowledged_and_statuses(one: bool):
    """Acknowledgements of the current version (no standard nor status) and statuses, of the
    users (database.users_filter)."""
    return union_all(
        select(Acknowledgement.user_id, cast(null(), String), cast(null(), String)).where(
            Acknowledgement.version_id == bindparam("version_id"),
            users_filter(Acknowledgement.user_id, one),
        ),
        select(
            ComplianceStatus.user_id, ComplianceStatus.standard_id, ComplianceStatus.status
        ).where(users_filter(ComplianceStatus.user_id, one)),
    )


def acknowledged_and_statuses(user_ids: list[int]) -> tuple[set[int], dict[tuple[int, str], str]]:
    """What acknowledged_current and current_statuses tell, in one statement."""
    version_id = shared_value("current standards version id", _current_version_id)
    if version_id is None or not user_ids:
        return set(), current_statuses(user_ids)
    statement = _acknowledged_and_statuses(len(user_ids) == 1)
    params = {"version_id": version_id, **users_parameters(user_ids)}
    acknowledged, statuses = set(), {}
    for user_id, standard_id, status in read_rows(db.session, statement, params):
        if standard_id is None:
            acknowledged.add(user_id)
        else:
            statuses[(user_id, standard_id)] = status
    return acknowledged, statuses


def current_version_label() -> str | None:
    """The current version's name (such as "2026.1"), kept per process under the shared
    change counter: every page's banner and the reports show it."""
    return shared_value("current standards version label",
                        lambda: getattr(current_version(), "version", None))  # fmt: skip


def _current_version_id() -> int | None:
    version = current_version()
    return version.id if version else None


def must_acknowledge(user) -> StandardsVersion | None:
    """The version an agent still has to acknowledge, or None."""
    if not getattr(user, "is_authenticated", False) or user.role != Role.AGENT:
        return None
    version = cached_current_version()
    if version is None:
        return None
    done = db.session.scalar(
        select(Acknowledgement.id).where(
            Acknowledgement.user_id == user.id, Acknowledgement.version_id == version.id
        )
    )
    return None if done else version


def acknowledge_standards(user: User, version: StandardsVersion) -> bool:
    """Record that the user has read the version and will apply it; False if already done."""
    existing = db.session.scalar(
        select(Acknowledgement).where(
            Acknowledgement.user_id == user.id, Acknowledgement.version_id == version.id
        )
    )
    if existing is not None:
        return False
    db.session.add(Acknowledgement(user_id=user.id, version_id=version.id,
                                   acknowledged_at=clock.now()))  # fmt: skip
    audit.record("standards_acknowledged", "standards_version", version.version, actor=user)
    db.session.flush()
    events.standards_acknowledged.send(version, user_id=user.id)
    return True


def ask_for_acknowledgement(report) -> int:
    """When a sync publishes a new version, ask every active agent to acknowledge it.

    An edit of an existing version asks nobody again: the version is what agents commit to.
    """
    if not report.new_standards_version:
        return 0
    db.session.flush()
    agents = db.session.scalars(select(User.id).where(User.role == Role.AGENT, User.active))
    version = report.new_standards_version
    link = path_for("standards.acknowledge")
    count = 0
    for user_id in agents:
        note = notify(user_id, "standards_published", {"version": version}, link=link,
                      dedupe_key=f"standards-published:{version}:{user_id}")  # fmt: skip
        count += note is not None
    return count


# --- statuses ---------------------------------------------------------------------------------


def current_statuses(user_ids: list[int]) -> dict[tuple[int, str], str]:
    """The latest stored status of each (user, standard id): met, developing, not_met or
    no_evidence. Standards never computed for a user are absent."""
    if not user_ids:
        return {}
    rows = read_rows(db.session, _statement("statuses"), {"user_ids": list(user_ids)})
    return {(user_id, standard_id): status for user_id, standard_id, status in rows}


def recompute_statuses(user_ids: list[int] | None = None, **options) -> dict:
    """Recompute and store the statuses of these agents (all active ones by default); see
    app.standards.statuses.recompute."""
    result = recompute(user_ids, **options)
    # The nightly run over everyone is followed by the certification steps; a recompute that
    # moved no status (most role-plays) tells nobody.
    if user_ids and result.get("changed"):
        events.standard_status_changed.send(None, user_ids=list(user_ids))
    return result
