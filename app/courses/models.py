"""The course catalogue as loaded from courses/. Rows are never deleted, only deactivated."""

from datetime import datetime

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models_base import UTCDateTime, localized, utcnow


class Course(db.Model):
    __tablename__ = "course"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    tier: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[dict] = mapped_column(JSON)
    summary: Mapped[dict] = mapped_column(JSON)
    requires: Mapped[list] = mapped_column(JSON, default=list)
    quiz_ids: Mapped[list] = mapped_column(JSON, default=list)
    standard_ids: Mapped[list] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    lessons: Mapped[list["Lesson"]] = relationship(
        back_populates="course", order_by="Lesson.position"
    )

    def title_in(self, locale: str) -> str:
        return localized(self.title, locale)

    def summary_in(self, locale: str) -> str:
        return localized(self.summary, locale)


class Lesson(db.Model):
    __tablename__ = "lesson"
    __table_args__ = (UniqueConstraint("course_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[str] = mapped_column(ForeignKey("course.id"), index=True)
    slug: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[dict] = mapped_column(JSON)
    minutes: Mapped[int] = mapped_column(Integer, default=10)
    # The texts are large: loaded only where a lesson is shown, not with every list of lessons.
    body: Mapped[dict] = mapped_column(JSON, deferred=True)  # lang -> Markdown source
    html: Mapped[dict] = mapped_column(JSON, deferred=True)  # lang -> sanitised HTML
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    course: Mapped[Course] = relationship(back_populates="lessons")

    def title_in(self, locale: str) -> str:
        return localized(self.title, locale)

    def html_in(self, locale: str) -> str:
        return localized(self.html, locale)


class LearningPath(db.Model):
    __tablename__ = "learning_path"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    title: Mapped[dict] = mapped_column(JSON)
    steps: Mapped[list] = mapped_column(JSON)  # [{"course": id, "due_days": n}]
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class LessonProgress(db.Model):
    """An agent's reading of one lesson: when first and last opened, and when marked done."""

    __tablename__ = "lesson_progress"
    __table_args__ = (UniqueConstraint("user_id", "lesson_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lesson.id"), index=True)
    first_opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    lesson: Mapped[Lesson] = relationship()


class CourseCompletion(db.Model):
    """Recorded the moment a course's rule is first met; certification reads it."""

    __tablename__ = "course_completion"
    __table_args__ = (UniqueConstraint("user_id", "course_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    course_id: Mapped[str] = mapped_column(ForeignKey("course.id"), index=True)
    completed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CourseRecognition(db.Model):
    """A course the agent is exempt from because a placement test showed they know it: the
    section's score and the attempt are the reason. It counts as complete for prerequisites
    and the onboarding path, and for a certification only where that certification says so."""

    __tablename__ = "course_recognition"
    __table_args__ = (UniqueConstraint("user_id", "course_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    course_id: Mapped[str] = mapped_column(ForeignKey("course.id"), index=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempt.id"), index=True)
    section: Mapped[str] = mapped_column(String(80))  # the placement section's id
    score: Mapped[float] = mapped_column(Float)  # the section's score, percent
    recognised_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    course: Mapped[Course] = relationship()
