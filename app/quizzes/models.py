"""Quizzes as loaded from quizzes/. A version row is kept for every distinct definition, so
attempts always refer to the questions and rubric they were taken on."""

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models_base import UTCDateTime, localized, utcnow


class Quiz(db.Model):
    __tablename__ = "quiz"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    course_id: Mapped[str] = mapped_column(ForeignKey("course.id"), index=True)
    title: Mapped[dict] = mapped_column(JSON)
    current_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("quiz_version.id", use_alter=True)
    )
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    current_version: Mapped["QuizVersion | None"] = relationship(foreign_keys=[current_version_id])

    def title_in(self, locale: str) -> str:
        return localized(self.title, locale)


class QuizVersion(db.Model):
    __tablename__ = "quiz_version"
    __table_args__ = (UniqueConstraint("quiz_id", "digest"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[str] = mapped_column(ForeignKey("quiz.id"), index=True)
    digest: Mapped[str] = mapped_column(String(64))
    # The full quiz definition with the rubrics its role-plays use, as loaded.
    definition: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
