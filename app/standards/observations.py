"""Observations of real interactions: recording, the 24-hour edit window, corrections, and the
scorecard's critical standards."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select
from sqlalchemy.orm import joinedload, selectinload

from app import clock
from app.audit import services as audit
from app.extensions import db
from app.people import services as people
from app.people.models import Role, User
from app.standards import compliance, definitions, services
from app.standards.models import (
    CHANNELS,
    RATINGS,
    CriticalStandard,
    Observation,
    ObservationItem,
    StandardsVersion,
)
from app.standards.services import StandardsError

EDIT_WINDOW = timedelta(hours=24)


@dataclass
class ObservationInput:
    observed_on: date
    channel: str
    reference: str
    ratings: dict[str, tuple[str, str]]  # standard id -> (rating, comment)
    reason: str = ""


def observed_standards(version: StandardsVersion | None) -> list[dict]:
    """The standards a manager can rate when observing an interaction."""
    return [
        s for s in definitions.standards_of(version) if s.get("evidence", {}).get("observation")
    ]


def version_of(observation: Observation) -> StandardsVersion | None:
    return db.session.get(StandardsVersion, observation.version_id)


def critical_standard_ids() -> set[str]:
    return set(db.session.scalars(select(CriticalStandard.standard_id)))


def observable_agent(manager: User, user_id: int) -> User | None:
    """An agent of one of the manager's teams, or None (the caller answers 404)."""
    if manager.role != Role.MANAGER:
        return None
    person = people.get_visible_person(manager, user_id)
    return person if person is not None and person.role == Role.AGENT else None


def visible_observation(viewer: User, observation_id: int) -> Observation | None:
    """The observation if the viewer may see its agent, else None."""
    observation = db.session.scalar(
        select(Observation)
        .options(
            selectinload(Observation.items),
            joinedload(Observation.manager),
            joinedload(Observation.agent),
        )  # fmt: skip
        .where(Observation.id == observation_id)
    )
    if observation is None or people.get_visible_person(viewer, observation.agent_id) is None:
        return None
    return observation


def _validate(data: ObservationInput, version: StandardsVersion) -> None:
    if data.channel not in CHANNELS:
        raise StandardsError("channel", _l("choose a channel"))
    if data.observed_on > clock.today():
        raise StandardsError("observed_on", _l("the interaction cannot be in the future"))
    known = {s["id"] for s in observed_standards(version)}
    if set(data.ratings) - known or any(r not in RATINGS for r, _ in data.ratings.values()):
        raise StandardsError("ratings", _l("unknown standard or rating"))
    if all(rating == "na" for rating, _ in data.ratings.values()):
        raise StandardsError("ratings", _l("rate at least one standard"))


def _fill(observation: Observation, data: ObservationInput) -> None:
    critical = critical_standard_ids()
    observation.observed_on, observation.channel = data.observed_on, data.channel
    observation.reference = data.reference.strip()[:120]
    observation.items = [
        ObservationItem(
            standard_id=sid, rating=rating, comment=comment.strip()[:1000], critical=sid in critical
        )  # fmt: skip
        for sid, (rating, comment) in sorted(data.ratings.items())
    ]
    outcome = compliance.observation_outcome([(i.rating, i.critical) for i in observation.items])
    observation.score, observation.failed = outcome


def record_observation(manager: User, agent: User, data: ObservationInput, *,
                       corrects: Observation | None = None) -> Observation:  # fmt: skip
    """Record a manager's observation of one of their agents (or a correction of an earlier
    one) and refresh the agent's statuses. The caller commits."""
    version = definitions.current_version()
    if version is None:
        raise StandardsError("ratings", _l("no service standards are published yet"))
    _validate(data, version)
    observation = Observation(agent_id=agent.id, manager_id=manager.id, version_id=version.id,
                              created_at=clock.now(), reason=data.reason.strip()[:1000],
                              corrects_id=corrects.id if corrects else None)  # fmt: skip
    _fill(observation, data)
    db.session.add(observation)
    db.session.flush()
    action = "observation_corrected" if corrects else "observation_recorded"
    audit.record(action, "observation", observation.id, actor=manager,
                 after=_snapshot(observation), reason=data.reason or None)  # fmt: skip
    services.recompute_statuses([agent.id])
    return observation


def can_edit(observation: Observation, user: User) -> bool:
    """Only its author, within 24 hours of recording it, and only if nobody corrected it."""
    return (
        observation.manager_id == user.id
        and clock.now() - observation.created_at < EDIT_WINDOW
        and correction_of(observation) is None
    )


def edit_observation(observation: Observation, manager: User, data: ObservationInput) -> None:
    """Change an observation within its edit window; after that it is immutable."""
    if not can_edit(observation, manager):
        raise StandardsError("observed_on", _l("this observation can no longer be edited"))
    version = db.session.get(StandardsVersion, observation.version_id)
    _validate(data, version)
    before = _snapshot(observation)
    db.session.execute(
        delete(ObservationItem).where(ObservationItem.observation_id == observation.id)
    )
    db.session.expire(observation, ["items"])
    _fill(observation, data)
    observation.updated_at = clock.now()
    db.session.flush()
    audit.record("observation_edited", "observation", observation.id, actor=manager,
                 before=before, after=_snapshot(observation))  # fmt: skip
    services.recompute_statuses([observation.agent_id])


def correction_of(observation: Observation) -> Observation | None:
    return db.session.scalar(select(Observation).where(Observation.corrects_id == observation.id))


def correct_observation(observation: Observation, manager: User,
                        data: ObservationInput) -> Observation:  # fmt: skip
    """A new observation replacing an immutable one; the original is kept and stops counting."""
    if correction_of(observation) is not None:
        raise StandardsError("reason", _l("this observation has already been corrected"))
    if not data.reason.strip():
        raise StandardsError("reason", _l("say why the observation is corrected"))
    return record_observation(manager, observation.agent, data, corrects=observation)


def _snapshot(observation: Observation) -> dict:
    return {
        "observed_on": observation.observed_on,
        "channel": observation.channel,
        "reference": observation.reference,
        "ratings": {i.standard_id: i.rating for i in observation.items},
        "failed": observation.failed,
    }


def observations_of(agent_id: int, limit: int = 50) -> list[Observation]:
    """The agent's latest observations, newest first, with their authors and items."""
    query = (
        select(Observation)
        .options(selectinload(Observation.items), joinedload(Observation.manager))
        .where(Observation.agent_id == agent_id)
        .order_by(Observation.observed_on.desc(), Observation.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))


def corrected_ids(observation_ids: list[int]) -> set[int]:
    if not observation_ids:
        return set()
    query = select(Observation.corrects_id).where(Observation.corrects_id.in_(observation_ids))
    return set(db.session.scalars(query))


def set_critical_standards(standard_ids: set[str], *, actor: User) -> bool:
    """Replace the scorecard's critical standards; only new observations use the change."""
    before = critical_standard_ids()
    if before == standard_ids:
        return False
    db.session.execute(delete(CriticalStandard))
    for sid in sorted(standard_ids):
        db.session.add(CriticalStandard(standard_id=sid, marked_by_id=actor.id,
                                        marked_at=clock.now()))  # fmt: skip
    audit.record("scorecard_changed", "scorecard", "critical", actor=actor,
                 before={"critical": sorted(before)}, after={"critical": sorted(standard_ids)})  # fmt: skip
    return True
