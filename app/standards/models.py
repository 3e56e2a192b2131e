"""Service standards: published versions, the evidence recorded against them (observations,
KPI values), acknowledgements, and each agent's compliance status with its history."""

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models_base import UTCDateTime, utcnow
from app.people.models import User

CHANNELS = ("phone", "chat", "email", "in_person")
RATINGS = ("met", "partly", "not_met", "na")
STATUSES = ("met", "developing", "not_met", "no_evidence")


class StandardsVersion(db.Model):
    __tablename__ = "standards_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(String(20), unique=True)
    published: Mapped[date] = mapped_column(Date)
    definition: Mapped[dict] = mapped_column(JSON)
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Observation(db.Model):
    """A manager's rating of one real interaction of an agent against the standards.

    Its author may edit it for 24 hours; after that it is immutable and mistakes are fixed by a
    correction: a new observation pointing at the one it corrects, which then stops counting.
    """

    __tablename__ = "standards_observation"

    id: Mapped[int] = mapped_column(primary_key=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    manager_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("standards_version.id"))
    observed_on: Mapped[date] = mapped_column(Date, index=True)
    channel: Mapped[str] = mapped_column(String(16))
    reference: Mapped[str] = mapped_column(String(120), default="")
    corrects_id: Mapped[int | None] = mapped_column(
        ForeignKey("standards_observation.id"), unique=True
    )
    reason: Mapped[str] = mapped_column(String(1000), default="")  # why a correction was made
    # Mean of the rated items (0-1); 0 when a critical standard was not met.
    score: Mapped[float | None] = mapped_column(Float)
    failed: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    agent: Mapped[User] = relationship(foreign_keys=[agent_id])
    manager: Mapped[User] = relationship(foreign_keys=[manager_id])
    items: Mapped[list["ObservationItem"]] = relationship(
        back_populates="observation", order_by="ObservationItem.standard_id",
        cascade="all, delete-orphan",
    )  # fmt: skip
    corrects: Mapped["Observation | None"] = relationship(remote_side=[id])


class ObservationItem(db.Model):
    __tablename__ = "standards_observation_item"
    __change_owner__ = "observation"
    __table_args__ = (UniqueConstraint("observation_id", "standard_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    observation_id: Mapped[int] = mapped_column(ForeignKey("standards_observation.id"))
    standard_id: Mapped[str] = mapped_column(String(10))
    rating: Mapped[str] = mapped_column(String(8))
    comment: Mapped[str] = mapped_column(String(1000), default="")
    # Copied from the scorecard when recorded, so later scorecard changes leave it as it was.
    critical: Mapped[bool] = mapped_column(Boolean, default=False)

    observation: Mapped[Observation] = relationship(back_populates="items")


class CriticalStandard(db.Model):
    """A standard marked critical on the observation scorecard: not met fails the observation."""

    __tablename__ = "standards_critical"

    standard_id: Mapped[str] = mapped_column(String(10), primary_key=True)
    marked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    marked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class KpiValue(db.Model):
    """One imported figure of one agent for one metric and period; a later import of the same
    period replaces the value."""

    __tablename__ = "standards_kpi_value"
    __table_args__ = (UniqueConstraint("user_id", "metric", "period_start", "period_end"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    metric: Mapped[str] = mapped_column(String(60))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date, index=True)
    value: Mapped[float] = mapped_column(Float)
    import_id: Mapped[int | None] = mapped_column(ForeignKey("standards_kpi_upload.id"))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class KpiUpload(db.Model):
    """An uploaded KPI file, kept from the preview until it is confirmed."""

    __tablename__ = "standards_kpi_upload"
    __change_owner__ = None  # shown on no kept page (app/page_cache)

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(43), unique=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    filename: Mapped[str] = mapped_column(String(255), default="")
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    applied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    rows: Mapped[int] = mapped_column(Integer, default=0)


class Acknowledgement(db.Model):
    """A person's statement that they have read a version and will apply it."""

    __tablename__ = "standards_acknowledgement"
    __table_args__ = (UniqueConstraint("user_id", "version_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("standards_version.id"), index=True)
    acknowledged_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ComplianceStatus(db.Model):
    """The latest computed status of an agent on a standard (one row per agent and standard)."""

    __tablename__ = "standards_compliance"
    __table_args__ = (UniqueConstraint("user_id", "standard_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    standard_id: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(12))
    score: Mapped[float | None] = mapped_column(Float)
    evidence_count: Mapped[int] = mapped_column(Integer, default=0)
    since: Mapped[date] = mapped_column(Date)  # the day the status last changed
    computed_on: Mapped[date] = mapped_column(Date)


class ComplianceChange(db.Model):
    """A change of status, kept forever so trends can be drawn."""

    __tablename__ = "standards_compliance_change"
    __table_args__ = (Index("ix_compliance_change_user_standard", "user_id", "standard_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    standard_id: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(12))
    previous: Mapped[str | None] = mapped_column(String(12))
    score: Mapped[float | None] = mapped_column(Float)
    changed_on: Mapped[date] = mapped_column(Date)
