"""The weekly digest each manager gets about their teams: overdue work, work due within a
week, and certificates about to expire. One per manager per ISO week, however often the job
runs."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from sqlalchemy import func, select

from app import clock
from app.assignments.models import Assignment
from app.certification.models import Certificate, CertificationStanding
from app.certification.services import EXPIRING_DAYS
from app.extensions import db
from app.jobs.registry import daily_step
from app.notifications.services import link_to, notify
from app.people.models import Role, Team, User


def _per_manager(query) -> Counter:
    return Counter(dict(db.session.execute(query).all()))


def _open_assignments(*conditions):
    return (
        select(Team.manager_id, func.count(Assignment.id))
        .join(User, User.id == Assignment.user_id)
        .join(Team, Team.id == User.team_id)
        .where(User.active, Assignment.completed_at.is_(None), Assignment.cancelled_at.is_(None))
        .where(*conditions)
        .group_by(Team.manager_id)
    )


def _expiring(today):
    return (
        select(Team.manager_id, func.count(Certificate.id))
        .join(CertificationStanding, CertificationStanding.certificate_id == Certificate.id)
        .join(User, User.id == Certificate.user_id)
        .join(Team, Team.id == User.team_id)
        .where(User.active, Certificate.revoked_at.is_(None))
        .where(Certificate.expires_on >= today)
        .where(Certificate.expires_on <= today + timedelta(days=EXPIRING_DAYS))
        .group_by(Team.manager_id)
    )


def send_weekly_digests() -> int:
    """Queue this week's digest for every active manager who leads a team (once a week)."""
    today = clock.today()
    year, week, _day = today.isocalendar()
    overdue = _per_manager(_open_assignments(Assignment.due_date < today))
    due_soon = _per_manager(_open_assignments(
        Assignment.due_date >= today, Assignment.due_date <= today + timedelta(days=7)
    ))  # fmt: skip
    expiring = _per_manager(_expiring(today))
    managers = db.session.scalars(
        select(User.id).where(User.role == Role.MANAGER, User.active)
        .where(User.id.in_(select(Team.manager_id))).order_by(User.id)
    )  # fmt: skip
    sent = 0
    for manager_id in managers:
        params = {"overdue": overdue[manager_id], "due_soon": due_soon[manager_id],
                  "expiring": expiring[manager_id]}  # fmt: skip
        note = notify(manager_id, "manager_digest", params,
                      link=link_to("assignments.list_assignments"),
                      dedupe_key=f"digest:{manager_id}:{year}-W{week:02d}")  # fmt: skip
        sent += note is not None
    return sent


@daily_step("weekly manager digest", order=70)
def daily_digest() -> dict:
    """Each manager's digest of the week, created on the first run of the ISO week."""
    return {"digests": send_weekly_digests()}
