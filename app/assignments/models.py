"""Courses assigned to agents with a due date: onboarding, managers' refreshers, remediation."""

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.courses.models import Course
from app.extensions import db
from app.models_base import UTCDateTime, utcnow
from app.people.models import User

SOURCES = ("onboarding", "manager", "remediation", "refresher")


class Assignment(db.Model):
    __tablename__ = "assignment"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    course_id: Mapped[str] = mapped_column(ForeignKey("course.id"), index=True)
    due_date: Mapped[date | None] = mapped_column(Date, index=True)
    source: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(String(1000), default="")
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Rule-based assignments carry a key so that running the rule again creates nothing new.
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    # Set when the assignment was closed because a placement test recognised the course.
    recognition_id: Mapped[int | None] = mapped_column(ForeignKey("course_recognition.id"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    course: Mapped[Course] = relationship()

    @property
    def is_open(self) -> bool:
        return self.completed_at is None and self.cancelled_at is None

    def is_overdue(self, today: date) -> bool:
        return self.is_open and self.due_date is not None and self.due_date < today
