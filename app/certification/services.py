"""Certification: issue the moment requirements are met, renew, expire, revoke, and look up.

Callers commit. Issue and renewal record the standards version current at that moment. A
certification is issued automatically once per agent; after that, only completing the
refresher courses renews it (even after expiry), and a revoked one is not issued again.
"""

from __future__ import annotations

import secrets
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from app import clock, events
from app.audit import services as audit
from app.certification.models import Certificate, Certification, CertificationStanding
from app.certification.requirements import requirement_standings
from app.extensions import db
from app.notifications.services import link_to, local_date, notify
from app.people.models import Role, User
from app.standards import services as standards

EXPIRING_DAYS = 30
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: codes are typed by hand
BATCH = 500


class CertificationError(ValueError):
    """A domain error tied to a form field."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def active_certifications() -> list[Certification]:
    query = select(Certification).where(Certification.active).order_by(Certification.position)
    return list(db.session.scalars(query))


def required_quiz_ids() -> set[str]:
    """The quizzes that active certifications require."""
    return {quiz_id for cert in active_certifications()
            for quiz_id in cert.requirements.get("quizzes", [])}  # fmt: skip


def new_code() -> str:
    """A verification code such as K7QX-3M9P-ZT2A (60 random bits)."""
    chars = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    return "-".join(chars[i : i + 4] for i in range(0, 12, 4))


def normalise_code(code: str) -> str:
    plain = "".join(ch for ch in code.upper() if ch.isalnum())[:12]
    return "-".join(plain[i : i + 4] for i in range(0, len(plain), 4))


# --- evaluation ---------------------------------------------------------------------------------


def evaluate_certifications(user_id: int) -> int:
    """Update one agent's standings and issue what they have just earned; returns how many
    certificates were issued. Called when a course completes and by the daily job."""
    return evaluate_users([user_id])


def evaluate_users(user_ids: list[int]) -> int:
    agents = list(db.session.scalars(
        select(User).where(User.id.in_(user_ids), User.role == Role.AGENT, User.active)
    ))  # fmt: skip
    certifications = active_certifications()
    if not agents or not certifications:
        return 0
    table = requirement_standings([a.id for a in agents], certifications)
    rows = _standing_rows([a.id for a in agents])
    issued = 0
    for agent in agents:
        for cert in certifications:
            found = table[(agent.id, cert.id)]
            row = rows.get((agent.id, cert.id)) or _new_standing(agent.id, cert.id, rows)
            if (row.met, row.total, row.percent) != (found.met, found.total, found.percent):
                # Written only when it moves: most evaluations (every role-play) change nothing.
                row.met, row.total, row.percent = found.met, found.total, found.percent
                row.evaluated_at = clock.now()
            if found.complete and row.certificate_id is None:
                issued += issue_certificate(agent, cert, row) is not None
    return issued


def evaluate_all_agents() -> int:
    """Every active agent, in batches so that memory stays flat."""
    ids = list(db.session.scalars(
        select(User.id).where(User.role == Role.AGENT, User.active).order_by(User.id)
    ))  # fmt: skip
    return sum(evaluate_users(ids[i : i + BATCH]) for i in range(0, len(ids), BATCH))


def _standing_rows(user_ids: list[int]) -> dict[tuple[int, str], CertificationStanding]:
    query = select(CertificationStanding).where(CertificationStanding.user_id.in_(user_ids))
    return {(r.user_id, r.certification_id): r for r in db.session.scalars(query)}


def _new_standing(user_id: int, certification_id: str, rows: dict) -> CertificationStanding:
    row = CertificationStanding(user_id=user_id, certification_id=certification_id, met=0,
                                total=0, percent=0, evaluated_at=clock.now())  # fmt: skip
    db.session.add(row)
    rows[(user_id, certification_id)] = row
    return row


def standing_of(user_id: int, certification_id: str) -> CertificationStanding:
    rows = _standing_rows([user_id])
    return rows.get((user_id, certification_id)) or _new_standing(user_id, certification_id, rows)


# --- issue, renew, expire, revoke ---------------------------------------------------------------


def issue_certificate(user: User, cert: Certification, standing: CertificationStanding,
                      *, renewal_of: Certificate | None = None) -> Certificate | None:  # fmt: skip
    """Issue (or, with renewal_of, renew) a certificate valid from today; None when the same
    issue was made at the same moment by someone else."""
    today = clock.today()
    start = max(today, renewal_of.expires_on) if renewal_of else today
    suffix = f"renewal-of:{renewal_of.id}" if renewal_of else "first"
    version = standards.current_version()
    certificate = Certificate(
        user_id=user.id, certification_id=cert.id, code=new_code(), issued_at=clock.now(),
        issue_key=f"{user.id}:{cert.id}:{suffix}", valid_from=today,
        expires_on=start + timedelta(days=cert.valid_for_days),
        standards_version=version.version if version else None,
        renewal_of_id=renewal_of.id if renewal_of else None,
    )  # fmt: skip
    try:
        with db.session.begin_nested():
            db.session.add(certificate)
    except IntegrityError:
        return None
    standing.certificate_id = certificate.id
    _record_issue(user, cert, certificate, renewal_of)
    events.certificate_issued.send(certificate, renewal_of=renewal_of)
    return certificate


def _record_issue(user: User, cert: Certification, certificate: Certificate, renewal_of) -> None:
    action = "certificate_renewed" if renewal_of else "certificate_issued"
    after = {"user_id": user.id, "certification": cert.id, "code": certificate.code,
             "expires_on": certificate.expires_on,
             "standards_version": certificate.standards_version}  # fmt: skip
    audit.record(action, "certificate", certificate.id, after=after)
    params = {"certification": cert.title_in(user.locale),
              "until": local_date(certificate.expires_on, user.locale)}  # fmt: skip
    notify(user.id, action, params, link=link_to("certification.my_certificates"),
           dedupe_key=f"{action}:{certificate.id}")  # fmt: skip


def renew_certificate(certificate: Certificate) -> Certificate | None:
    """Replace a certificate whose refresher courses are done by a new one; the old row stays
    (marked superseded) so the history is kept."""
    standing = standing_of(certificate.user_id, certificate.certification_id)
    renewed = issue_certificate(
        certificate.user, certificate.certification, standing, renewal_of=certificate
    )
    if renewed is not None:
        certificate.superseded_at = clock.now()
    return renewed


def expire_certificates() -> int:
    """Mark current certificates past their expiry date as expired and tell the holders."""
    query = (
        select(Certificate)
        .where(Certificate.expires_on < clock.today(), Certificate.expired_at.is_(None))
        .where(Certificate.superseded_at.is_(None), Certificate.revoked_at.is_(None))
        .options(joinedload(Certificate.user), joinedload(Certificate.certification))
    )
    count = 0
    for certificate in db.session.scalars(query):
        certificate.expired_at = clock.now()
        audit.record("certificate_expired", "certificate", certificate.id)
        user = certificate.user
        notify(user.id, "certificate_expired",
               {"certification": certificate.certification.title_in(user.locale)},
               link=link_to("certification.my_certificates"),
               dedupe_key=f"certificate_expired:{certificate.id}")  # fmt: skip
        count += 1
    return count


def revoke_certificate(actor: User, certificate: Certificate, reason: str) -> None:
    """Revoke with a reason (HR or admin); audited, and the holder is told."""
    reason = reason.strip()
    if len(reason) < 5:
        raise CertificationError(
            "reason", _l("Give the reason for revoking (5 characters or more).")
        )
    if certificate.revoked_at is not None:
        raise CertificationError("reason", _l("This certificate is already revoked."))
    certificate.revoked_at = clock.now()
    certificate.revoked_by_id = actor.id
    certificate.revoke_reason = reason[:1000]
    audit.record("certificate_revoked", "certificate", certificate.id, actor=actor,
                 before={"status": certificate.status(clock.today())}, reason=reason[:1000])  # fmt: skip
    user = certificate.user
    notify(user.id, "certificate_revoked",
           {"certification": certificate.certification.title_in(user.locale), "reason": reason},
           link=link_to("certification.my_certificates"))  # fmt: skip


# --- looking up ---------------------------------------------------------------------------------


def find_by_code(code: str) -> Certificate | None:
    query = (
        select(Certificate)
        .where(Certificate.code == normalise_code(code))
        .options(joinedload(Certificate.user), joinedload(Certificate.certification))
    )
    return db.session.scalar(query)


def get_visible_certificate(viewer: User, certificate_id: int) -> Certificate | None:
    """The certificate if the viewer may see it: its holder, the holder's manager, HR, admin."""
    certificate = db.session.scalar(
        select(Certificate).where(Certificate.id == certificate_id)
        .options(joinedload(Certificate.user).joinedload(User.team),
                 joinedload(Certificate.certification))
    )  # fmt: skip
    if certificate is None:
        return None
    holder = certificate.user
    if viewer.id == holder.id or viewer.role in (Role.HR, Role.ADMIN):
        return certificate
    managed = viewer.role == Role.MANAGER and holder.team and holder.team.manager_id == viewer.id
    return certificate if managed else None


def certificates_of(user_id: int) -> list[Certificate]:
    """Every certificate of a person, newest first (history included)."""
    query = (
        select(Certificate)
        .where(Certificate.user_id == user_id)
        .options(joinedload(Certificate.certification))
        .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
    )
    return list(db.session.scalars(query))


def standing_status(certificate: Certificate | None, percent: int, today: date) -> str:
    """certified, expiring, expired, revoked, in_progress or not_started."""
    if certificate is None:
        return "in_progress" if percent > 0 else "not_started"
    if certificate.revoked_at is not None:
        return "revoked"
    if certificate.expires_on < today:
        return "expired"
    return "expiring" if certificate.expires_on <= today + timedelta(EXPIRING_DAYS) else "certified"
