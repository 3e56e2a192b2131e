"""Quizzes as loaded from quizzes/. A version row is kept for every distinct definition, so
attempts always refer to the questions and rubric they were taken on."""

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
    event,
    inspect,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models_base import UTCDateTime, localized, utcnow
from app.people.models import User
from app.scoring.result import criteria_presence


class Quiz(db.Model):
    __tablename__ = "quiz"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    # None for a placement quiz, which tests several tiers and belongs to no course.
    course_id: Mapped[str | None] = mapped_column(ForeignKey("course.id"), index=True)
    title: Mapped[dict] = mapped_column(JSON)
    current_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("quiz_version.id", use_alter=True)
    )
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    current_version: Mapped["QuizVersion | None"] = relationship(foreign_keys=[current_version_id])
    course = relationship("Course", viewonly=True)

    def title_in(self, locale: str) -> str:
        return localized(self.title, locale)


class QuizVersion(db.Model):
    __tablename__ = "quiz_version"
    __table_args__ = (UniqueConstraint("quiz_id", "digest"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[str] = mapped_column(ForeignKey("quiz.id"), index=True)
    digest: Mapped[str] = mapped_column(String(64))
    # The full quiz definition with the rubrics its role-plays use, as loaded (up to 170 KB of
    # JSON): read only when this process has not parsed the version yet (versions.view_version),
    # not on every request that loads the quiz's current version.
    definition: Mapped[dict] = mapped_column(JSON, deferred=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Attempt(db.Model):
    """One submitted try at a quiz. Written once, in one transaction with its answers, and never
    changed afterwards: overrides are separate rows."""

    __tablename__ = "attempt"
    __table_args__ = (UniqueConstraint("user_id", "idempotency_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    quiz_id: Mapped[str] = mapped_column(ForeignKey("quiz.id"), index=True)
    quiz_version_id: Mapped[int] = mapped_column(ForeignKey("quiz_version.id"))
    # Chosen by the browser when the quiz page is shown: a resent form records nothing new.
    idempotency_key: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    locale: Mapped[str] = mapped_column(String(8))
    auto_score: Mapped[float] = mapped_column(Float)  # percent of points, 0-100
    auto_passed: Mapped[bool] = mapped_column(Boolean)
    pass_mark: Mapped[int] = mapped_column(Integer)

    answers: Mapped[list["Answer"]] = relationship(
        back_populates="attempt", order_by="Answer.position"
    )
    quiz_version: Mapped[QuizVersion] = relationship()
    quiz: Mapped[Quiz] = relationship()
    user: Mapped[User] = relationship()


class Answer(db.Model):
    """The agent's answer to one question and its automatic grade (with the scorer's detail)."""

    __tablename__ = "answer"
    __change_owner__ = "attempt"
    __table_args__ = (UniqueConstraint("attempt_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempt.id"), index=True)
    question_id: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(Integer)
    response: Mapped[dict] = mapped_column(JSON)  # what the agent chose or wrote
    points: Mapped[float] = mapped_column(Float)
    max_points: Mapped[float] = mapped_column(Float)
    detail: Mapped[dict] = mapped_column(JSON, default=dict)  # per-criterion results, feedback
    # Role-play answers only: the scorer's figures, as columns so the review queue can filter.
    score: Mapped[float | None] = mapped_column(Float)  # 0-100
    confidence: Mapped[float | None] = mapped_column(Float)
    pass_mark: Mapped[int | None] = mapped_column(Integer)
    # The criteria judged, merged over a dialogue's turns (app.scoring.result.criteria_presence),
    # kept from the detail whenever it is written: the standards read this small value, not the
    # whole detail, when they recompute an agent's statuses.
    criteria: Mapped[dict | None] = mapped_column(JSON)

    attempt: Mapped[Attempt] = relationship(back_populates="answers")


@event.listens_for(Answer, "before_insert")
@event.listens_for(Answer, "before_update")
def _keep_criteria(_mapper, _connection, answer: Answer) -> None:
    if answer.criteria is None or inspect(answer).attrs.detail.history.has_changes():
        answer.criteria = criteria_presence(answer.detail or {})


class ScoreOverride(db.Model):
    """A manager's correction of an attempt, kept beside the automatic score. The newest one for
    an attempt is the one in force."""

    __tablename__ = "score_override"
    __change_owner__ = "attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempt.id"), index=True)
    answer_id: Mapped[int | None] = mapped_column(ForeignKey("answer.id"))
    manager_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    criteria: Mapped[dict] = mapped_column(JSON, default=dict)  # criterion id -> bool
    score: Mapped[float] = mapped_column(Float)  # the attempt's score after the override
    passed: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str] = mapped_column(String(1000))
    # The overridden answer's own score (0-100) after the override.
    answer_score: Mapped[float | None] = mapped_column(Float)

    attempt: Mapped[Attempt] = relationship()
    manager: Mapped[User] = relationship()


class AnswerFlag(db.Model):
    """An agent's note that an answer was scored wrongly; it puts the answer in the review
    queue until a manager reviews it."""

    __tablename__ = "answer_flag"
    __table_args__ = (UniqueConstraint("answer_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("answer.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    reason: Mapped[str] = mapped_column(String(1000))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DialogueDraft(db.Model):
    """A multi-turn role-play in progress: the replies sent so far, turn by turn. The next
    customer turn depends on them, so they are kept until the quiz is submitted, when they
    become the attempt's answer and the draft is deleted."""

    __tablename__ = "dialogue_draft"
    __table_args__ = (UniqueConstraint("user_id", "quiz_version_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    quiz_version_id: Mapped[int] = mapped_column(ForeignKey("quiz_version.id"))
    question_id: Mapped[str] = mapped_column(String(80))
    replies: Mapped[list] = mapped_column(JSON, default=list)  # [{turn, text}]
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class QuizDraft(db.Model):
    """What a person has typed into a quiz form and not submitted yet, kept on the server so
    that sending a dialogue turn, saving, or leaving the page never loses it. One per person
    and quiz version; deleted when the quiz is submitted."""

    __tablename__ = "quiz_draft"
    __table_args__ = (UniqueConstraint("user_id", "quiz_version_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    quiz_version_id: Mapped[int] = mapped_column(ForeignKey("quiz_version.id"))
    fields: Mapped[list] = mapped_column(JSON, default=list)  # [[name, value], ...]
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
