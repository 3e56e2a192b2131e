"""Reminders before a certificate expires, to its holder and to the holder's manager, on the
days each certification names (`reminder_days` in courses/certifications.yaml).

On a given day the reminder due is the nearest configured day not yet passed: a daily job that
missed a day still sends it the day after, and never sends an earlier one late. Each reminder
carries the dedupe key "expiry_reminder:<certificate>:<days>:<recipient>", so the job may run
any number of times and each person hears each reminder once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from app import clock
from app.certification.models import DEFAULT_REMINDER_DAYS, Certificate, Certification
from app.extensions import db
from app.notifications.services import link_to, local_date, notify
from app.people.models import Role, Team, User


def reminder_due(certificate: Certificate, days: list[int], today: date) -> int | None:
    """The configured number of days whose reminder is due today, or None."""
    days_left = (certificate.expires_on - today).days
    if days_left < 0:
        return None
    reached = [d for d in days if d >= days_left]
    if not reached:
        return None
    nearest = min(reached)
    # A reminder day that had passed when the certificate was issued is not announced.
    if certificate.expires_on - timedelta(days=nearest) < certificate.valid_from:
        return None
    return nearest


def longest_reminder_window() -> int:
    """The most days ahead any active certification reminds (what 'expiring soon' covers)."""
    windows = db.session.scalars(select(Certification.reminder_days).where(Certification.active))
    return max((max(days or DEFAULT_REMINDER_DAYS) for days in windows), default=0)


def current_certificates_expiring_by(last_day: date):
    """Current certificates (not expired, superseded or revoked) of active people that expire
    on or before last_day, soonest first, with holder, team, manager and certification loaded."""
    return _loaded(_current_expiring_by(last_day))


def _current_expiring_by(last_day: date):
    return (
        select(Certificate)
        .join(Certification, Certification.id == Certificate.certification_id)
        .join(User, User.id == Certificate.user_id)
        .where(User.active, Certification.active)
        .where(Certificate.expired_at.is_(None), Certificate.superseded_at.is_(None))
        .where(Certificate.revoked_at.is_(None))
        .where(Certificate.expires_on >= clock.today(), Certificate.expires_on <= last_day)
    )


def _loaded(query):
    return query.options(
        joinedload(Certificate.user).joinedload(User.team).joinedload(Team.manager),
        joinedload(Certificate.certification),
    ).order_by(Certificate.expires_on, Certificate.id)


def send_expiry_reminders() -> dict:
    """Queue today's expiry reminders that were not queued yet; returns how many."""
    today = clock.today()
    counts = {"holders": 0, "managers": 0}
    last_day = today + timedelta(days=longest_reminder_window())
    for certificate in db.session.scalars(current_certificates_expiring_by(last_day)):
        days = certificate.certification.reminder_days or list(DEFAULT_REMINDER_DAYS)
        due = reminder_due(certificate, days, today)
        if due is None:
            continue
        holder, manager = certificate.user, _manager_of(certificate.user)
        counts["holders"] += _remind_holder(certificate, holder, due) is not None
        if manager is not None:
            counts["managers"] += _remind_manager(certificate, manager, due) is not None
    return counts


def _manager_of(user: User) -> User | None:
    manager = user.team.manager if user.team else None
    if manager is None or not manager.active or manager.id == user.id:
        return None
    return manager


def _key(certificate: Certificate, due: int, recipient: User) -> str:
    return f"expiry_reminder:{certificate.id}:{due}:{recipient.id}"


def _remind_holder(certificate: Certificate, holder: User, due: int):
    params = {"certification": certificate.certification.title_in(holder.locale),
              "until": local_date(certificate.expires_on, holder.locale)}  # fmt: skip
    return notify(holder.id, "certificate_expiring", params,
                  link=link_to("certification.my_certificates"),
                  dedupe_key=_key(certificate, due, holder))  # fmt: skip


def _remind_manager(certificate: Certificate, manager: User, due: int):
    params = {"certification": certificate.certification.title_in(manager.locale),
              "person": certificate.user.name(manager.locale),
              "until": local_date(certificate.expires_on, manager.locale)}  # fmt: skip
    return notify(manager.id, "team_certificate_expiring", params,
                  link=link_to("certification.certificate_detail", certificate_id=certificate.id),
                  dedupe_key=_key(certificate, due, manager))  # fmt: skip


# --- the "expiring soon" list -------------------------------------------------------------------

EXPIRING_PER_PAGE = 100


@dataclass
class ExpiringPage:
    certificates: list[Certificate]
    count: int
    page: int
    pages: int


def expiring_soon(viewer: User, within_days: int, page: int = 1) -> ExpiringPage:
    """Current certificates expiring within the given days, soonest first: a manager sees the
    agents of the teams they lead, HR and admins everyone."""
    query = _current_expiring_by(clock.today() + timedelta(days=within_days))
    if viewer.role not in (Role.HR, Role.ADMIN):
        led = select(Team.id).where(Team.manager_id == viewer.id)
        query = query.where(User.team_id.in_(led))
    count = db.session.scalar(select(func.count()).select_from(query.subquery()))
    pages = max(1, -(-count // EXPIRING_PER_PAGE))
    page = min(max(page, 1), pages)
    window = _loaded(query).offset((page - 1) * EXPIRING_PER_PAGE).limit(EXPIRING_PER_PAGE)
    return ExpiringPage(list(db.session.scalars(window).unique()), count, page, pages)
