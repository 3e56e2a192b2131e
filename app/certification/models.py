"""Certifications as loaded from courses/certifications.yaml, the certificates issued to agents,
and each agent's standing toward each certification (what the HR report reads)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models_base import UTCDateTime, localized, utcnow
from app.people.models import User

DEFAULT_REMINDER_DAYS = (90, 60, 30, 7)
REMINDER_DAYS_SQL = "[90, 60, 30, 7]"


class Certification(db.Model):
    """A certification's definition. Rows are never deleted, only deactivated, because
    certificates refer to them."""

    __tablename__ = "certification"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[dict] = mapped_column(JSON)
    summary: Mapped[dict] = mapped_column(JSON)
    # {"courses": [...], "quizzes": [...], "acknowledge_standards": bool, "standards_met": [...]}
    requirements: Mapped[dict] = mapped_column(JSON)
    valid_for_days: Mapped[int] = mapped_column(Integer)
    renew_window_days: Mapped[int] = mapped_column(Integer)
    refresher_courses: Mapped[list] = mapped_column(JSON, default=list)
    # Days before expiry on which holder and manager are reminded, largest first.
    reminder_days: Mapped[list] = mapped_column(
        JSON, default=lambda: list(DEFAULT_REMINDER_DAYS), server_default=REMINDER_DAYS_SQL
    )
    # Whether courses recognised by a placement test count as required courses.
    accept_recognised: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=sa_false()
    )
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    def title_in(self, locale: str) -> str:
        return localized(self.title, locale)

    def summary_in(self, locale: str) -> str:
        return localized(self.summary, locale)


class Certificate(db.Model):
    """One certificate. Renewal adds a new row (renewal_of points back); revocation and expiry
    are recorded on the row, which is otherwise never changed."""

    __tablename__ = "certificate"
    __table_args__ = (Index("ix_certificate_user_certification", "user_id", "certification_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    certification_id: Mapped[str] = mapped_column(ForeignKey("certification.id"), index=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    # "<user>:<certification>:first" or ":renewal-of:<id>": a second evaluation running at the
    # same moment cannot issue the same certificate twice.
    issue_key: Mapped[str] = mapped_column(String(120), unique=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    valid_from: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date] = mapped_column(Date, index=True)
    standards_version: Mapped[str | None] = mapped_column(String(20))
    renewal_of_id: Mapped[int | None] = mapped_column(ForeignKey("certificate.id"))
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    revoke_reason: Mapped[str | None] = mapped_column(String(1000))

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    certification: Mapped[Certification] = relationship()

    def status(self, today: date) -> str:
        """valid, expired or revoked: what the verification page says."""
        if self.revoked_at is not None:
            return "revoked"
        return "expired" if self.expires_on < today else "valid"


class CertificationStanding(db.Model):
    """Where an agent stands toward a certification: the share of requirements met and the
    latest certificate. Kept up to date on course completion, on issue, renewal and revocation,
    and nightly, so the HR report over thousands of agents is one indexed query."""

    __tablename__ = "certification_standing"
    __table_args__ = (UniqueConstraint("user_id", "certification_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    certification_id: Mapped[str] = mapped_column(ForeignKey("certification.id"), index=True)
    met: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    # indexed: the HR report sorted by progress finds the few cells at a rare percent
    percent: Mapped[int] = mapped_column(Integer, default=0, index=True)
    certificate_id: Mapped[int | None] = mapped_column(ForeignKey("certificate.id"), index=True)
    # When the figures above last moved (an evaluation that changes nothing writes nothing).
    evaluated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    certificate: Mapped[Certificate | None] = relationship()


class ReportCount(db.Model):
    """How many standings of active agents fall in one bucket, so that the HR report's totals
    read a few hundred rows instead of every standing (app/certification/counts.py keeps them).

    A bucket is a certification and what its standings count as: `not_started` or
    `in_progress` (no certificate), `revoked`, or `held` with the certificate's expiry date
    (certified, expiring or expired is decided by the day the report is read); revoked and held
    ones keep the standards version the certificate was earned under. One row of kind `agents`
    (no certification) counts the active agents, so that cells without a standing (not
    started) are the agents times the certifications, less the standings counted.

    Rows of kind `progress` count the `in_progress` standings again by certification and
    percent: where each percent's cells begin when the report is sorted by progress."""

    __tablename__ = "certification_report_count"
    __change_owner__ = None  # written right before COMMIT, beside the rows it counts

    id: Mapped[int] = mapped_column(primary_key=True)
    bucket: Mapped[str] = mapped_column(String(160), unique=True)
    certification_id: Mapped[str | None] = mapped_column(ForeignKey("certification.id"))
    kind: Mapped[str] = mapped_column(String(16))
    expires_on: Mapped[date | None] = mapped_column(Date)
    standards_version: Mapped[str | None] = mapped_column(String(20))
    percent: Mapped[int | None] = mapped_column(Integer)
    count: Mapped[int] = mapped_column(Integer, default=0)
