"""Recomputing compliance statuses and assigning remedial courses; the daily job's step."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import aliased

from app import clock
from app.assignments.models import Assignment
from app.courses.models import Course
from app.database import read_rows, users_filter, users_parameters
from app.extensions import db
from app.jobs.registry import daily_step
from app.models_base import localized
from app.notifications import services as notifications
from app.people.models import Role, Team, User
from app.standards import compliance, definitions, evidence
from app.standards.compliance import Assessment, Rule
from app.standards.models import ComplianceChange, ComplianceStatus

REMEDIATION_DUE_DAYS = 14

# The manager's side of a remediation. Kept beside the agent's kind ("remedial_assigned") so the
# two messages are read together when one of them changes.
notifications.MESSAGES.setdefault(
    "team_remedial_assigned",
    _l("%(agent)s has not met %(standard)s and has been assigned %(course)s."),
)


@dataclass(frozen=True)
class Agent:
    id: int
    name: dict
    locale: str
    manager_id: int | None
    manager_locale: str | None


def recompute(user_ids: list[int] | None = None, *, today: date | None = None,
              remediate: bool = True) -> dict:  # fmt: skip
    """Store each agent's status on each standard where it changed (a history row per change)
    and assign remedial courses for new "not met" statuses. Running it again on the same day
    changes nothing. The caller commits."""
    version = definitions.current_version()
    if version is None:
        return {}
    today = today or clock.today()
    rules, window = definitions.rules_of(version), definitions.window_days_of(version)
    agents = _agents(user_ids)
    ids = [agent.id for agent in agents]
    weights = definitions.evidence_weights_of(version)
    found = evidence.load_evidence(ids, rules, today, window, weights, titles=False)
    stored = definitions.stored_statuses(ids)
    counts = {"agents": len(agents), "changed": 0, "remedial_assigned": 0}
    fallen: list[tuple[Agent, Rule]] = []
    for agent in agents:
        results = compliance.assess_all(found.get(agent.id, []), rules, today, window)
        for rule in rules:
            result = results[rule.id]
            if _store(agent.id, rule.id, result, stored.get((agent.id, rule.id)), today):
                counts["changed"] += 1
                if result.status == "not_met":
                    fallen.append((agent, rule))
    if remediate and fallen:
        counts["remedial_assigned"] = _remediate(fallen, version.definition, today)
    return counts


@cache
def _agents_statement(which: str):
    """Active agents with their manager's language: all of them, one, or some
    (database.users_filter)."""
    manager = aliased(User)
    query = (
        select(
            User.id,
            User.name_ar,
            User.name_en,
            User.locale,
            Team.manager_id,
            manager.locale.label("manager_locale"),
        )  # fmt: skip
        .outerjoin(Team, Team.id == User.team_id)
        .outerjoin(manager, manager.id == Team.manager_id)
        .where(User.role == Role.AGENT, User.active)
        .order_by(User.id)
    )
    return query if which == "all" else query.where(users_filter(User.id, which == "one"))


def _agents(user_ids: list[int] | None) -> list[Agent]:
    if user_ids is None:
        statement, params = _agents_statement("all"), {}
    elif not user_ids:
        return []
    else:
        statement = _agents_statement("one" if len(user_ids) == 1 else "some")
        params = users_parameters(user_ids)
    return [
        Agent(agent_id, {"ar": name_ar, "en": name_en}, locale, manager_id, manager_locale)
        for agent_id, name_ar, name_en, locale, manager_id, manager_locale in read_rows(
            db.session, statement, params
        )
    ]


def _store(user_id: int, standard_id: str, result: Assessment,
           row: ComplianceStatus | None, today: date) -> bool:  # fmt: skip
    """Update the stored status; True when the status changed (or was first computed)."""
    previous = row.status if row else None
    if row is None:
        row = ComplianceStatus(user_id=user_id, standard_id=standard_id, since=today)
        db.session.add(row)
    row.score, row.evidence_count, row.computed_on = result.score, result.count, today
    if previous == result.status:
        return False
    row.status, row.since = result.status, today
    db.session.add(ComplianceChange(
        user_id=user_id, standard_id=standard_id, status=result.status, previous=previous,
        score=result.score, changed_on=today,
    ))  # fmt: skip
    return True


# --- remediation ------------------------------------------------------------------------------


def _remediate(fallen: list[tuple[Agent, Rule]], definition: dict, today: date) -> int:
    """Assign each fallen standard's remedial course, unless the agent already has that course
    open (from any source) or an open remediation for that standard."""
    ids = sorted({agent.id for agent, _ in fallen})
    open_rows = db.session.execute(
        select(Assignment.user_id, Assignment.course_id, Assignment.dedupe_key).where(
            Assignment.user_id.in_(ids),
            Assignment.completed_at.is_(None),
            Assignment.cancelled_at.is_(None),
        )
    ).all()
    busy = {(row.user_id, row.course_id) for row in open_rows}
    busy |= {(row.user_id, row.dedupe_key.rsplit(":", 1)[0]) for row in open_rows
             if row.dedupe_key and row.dedupe_key.startswith("remediation:")}  # fmt: skip
    courses = {c.id: c for c in db.session.scalars(select(Course).where(Course.active))}
    standards = {s["id"]: s for s in definition.get("standards", [])}
    assigned = 0
    for agent, rule in fallen:
        course = courses.get(rule.remedial_course or "")
        key = f"remediation:{agent.id}:{rule.id}"
        if course is None or (agent.id, course.id) in busy or (agent.id, key) in busy:
            continue
        if _assign(agent, standards[rule.id], course, f"{key}:{today.isoformat()}", today):
            busy |= {(agent.id, course.id), (agent.id, key)}
            assigned += 1
    return assigned


def _assign(agent: Agent, standard: dict, course: Course, key: str, today: date) -> bool:
    if db.session.scalar(select(Assignment.id).where(Assignment.dedupe_key == key)):
        return False
    due = today + timedelta(days=REMEDIATION_DUE_DAYS)
    with force_locale(agent.locale or "ar"):
        note = _(
            "Remedial training: %(standard)s is not met (%(date)s).",
            standard=definitions.standard_label(standard, agent.locale),
            date=today.isoformat(),
        )
    db.session.add(Assignment(
        user_id=agent.id, course_id=course.id, due_date=due, source="remediation",
        note=note[:1000], dedupe_key=key,
    ))  # fmt: skip
    _notify(agent, standard, course, key)
    return True


def _notify(agent: Agent, standard: dict, course: Course, key: str) -> None:
    link = definitions.path_for("standards.profile")
    notifications.notify(
        agent.id, "remedial_assigned",
        {"standard": definitions.standard_label(standard, agent.locale),
         "course": localized(course.title, agent.locale)},
        link=link, dedupe_key=f"{key}:agent",
    )  # fmt: skip
    if agent.manager_id is None:
        return
    locale = agent.manager_locale or "ar"
    notifications.notify(
        agent.manager_id, "team_remedial_assigned",
        {"agent": localized(agent.name, locale),
         "standard": definitions.standard_label(standard, locale),
         "course": localized(course.title, locale)},
        link=definitions.path_for("standards.agent_profile", user_id=agent.id),
        dedupe_key=f"{key}:manager",
    )  # fmt: skip


@daily_step("standards", order=20)
def daily_standards_step() -> dict:
    """Recompute every active agent's statuses; new "not met" statuses get remediation."""
    return recompute()
