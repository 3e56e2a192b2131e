"""Real conversations (chat, e-mail and call transcripts), the scorecards they are judged on,
reviewers' reviews with their items, agents' disputes, and the reviewers' queue."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models_base import UTCDateTime, utcnow
from app.people.models import User
from app.quizzes.models import Answer

CHANNELS = ("phone", "chat", "email")
SPEAKERS = ("customer", "agent")
RATINGS = ("met", "partly", "not_met", "na")
OUTCOMES = ("upheld", "changed")


class Scorecard(db.Model):
    """One version of a channel's scorecard as loaded from standards/scorecards.yaml, with the
    rubric it scores agent turns by. A changed scorecard is a new row, so conversations and
    reviews keep the version they were judged on."""

    __tablename__ = "conversation_scorecard"
    __table_args__ = (UniqueConstraint("key", "digest"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), index=True)  # the scorecard's id in the file
    channel: Mapped[str] = mapped_column(String(16))
    digest: Mapped[str] = mapped_column(String(64))
    definition: Mapped[dict] = mapped_column(JSON)  # title, pass_mark, items, rubric
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SamplingRule(db.Model):
    """How many conversations per agent and month a team's reviewer gets ("*": any team
    without a rule of its own); replaced by every content sync."""

    __tablename__ = "conversation_sampling_rule"

    team_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    per_agent_per_month: Mapped[int] = mapped_column(Integer)
    below_standards: Mapped[list] = mapped_column(JSON, default=list)
    below_per_agent_per_month: Mapped[int | None] = mapped_column(Integer)


class Conversation(db.Model):
    """An imported conversation of one agent, with the automatic scorecard result of its agent
    turns. Never changed once imported: a re-import with other content is only reported."""

    __tablename__ = "conversation"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(String(120), unique=True)
    channel: Mapped[str] = mapped_column(String(16))
    agent_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    language: Mapped[str] = mapped_column(String(2))
    digest: Mapped[str] = mapped_column(String(64))  # of the imported content
    scorecard_id: Mapped[int] = mapped_column(ForeignKey("conversation_scorecard.id"))
    auto_score: Mapped[float | None] = mapped_column(Float)  # 0-100 on the scorecard
    auto_failed: Mapped[bool] = mapped_column(Boolean, default=False)
    auto_items: Mapped[dict] = mapped_column(JSON, default=dict)  # item id -> rating
    # criterion id -> evidence value over the agent turns (1 shown / avoided, 0 not)
    auto_criteria: Mapped[dict] = mapped_column(JSON, default=dict)
    source: Mapped[str] = mapped_column(String(40))  # csv, json, api:<token id>
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    agent: Mapped[User] = relationship(foreign_keys=[agent_id])
    scorecard: Mapped[Scorecard] = relationship()
    turns: Mapped[list[ConversationTurn]] = relationship(
        back_populates="conversation", order_by="ConversationTurn.position",
        cascade="all, delete-orphan",
    )  # fmt: skip


class ConversationTurn(db.Model):
    """What the customer or the agent said; an agent turn keeps the scorer's detail, bound to
    the customer turns before it."""

    __tablename__ = "conversation_turn"
    __change_owner__ = "conversation"
    __table_args__ = (UniqueConstraint("conversation_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversation.id"))
    position: Mapped[int] = mapped_column(Integer)
    speaker: Mapped[str] = mapped_column(String(8))
    text: Mapped[str] = mapped_column(Text)
    detail: Mapped[dict | None] = mapped_column(JSON)  # agent turns: the scored reply

    conversation: Mapped[Conversation] = relationship(back_populates="turns")


class Review(db.Model):
    """A reviewer's scoring of a conversation on its channel's scorecard. Never edited: a
    dispute resolved with a change adds a review that supersedes this one."""

    __tablename__ = "conversation_review"
    __change_owner__ = "conversation"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversation.id"), index=True)
    scorecard_id: Mapped[int] = mapped_column(ForeignKey("conversation_scorecard.id"))
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    score: Mapped[float | None] = mapped_column(Float)  # 0-100; 0 when a critical item failed
    failed: Mapped[bool] = mapped_column(Boolean, default=False)
    supersedes_id: Mapped[int | None] = mapped_column(
        ForeignKey("conversation_review.id"), unique=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    conversation: Mapped[Conversation] = relationship()
    scorecard: Mapped[Scorecard] = relationship()
    reviewer: Mapped[User] = relationship()
    items: Mapped[list[ReviewItem]] = relationship(
        back_populates="review", order_by="ReviewItem.id", cascade="all, delete-orphan"
    )


class ReviewItem(db.Model):
    """The reviewer's rating of one scorecard item, with a comment."""

    __tablename__ = "conversation_review_item"
    __change_owner__ = "review"
    __table_args__ = (UniqueConstraint("review_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("conversation_review.id"))
    item_id: Mapped[str] = mapped_column(String(80))
    rating: Mapped[str] = mapped_column(String(8))
    comment: Mapped[str] = mapped_column(String(1000), default="")

    review: Mapped[Review] = relationship(back_populates="items")


class Dispute(db.Model):
    """An agent's disagreement with a review, and how the agent's manager resolved it."""

    __tablename__ = "conversation_dispute"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("conversation_review.id"), unique=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    reason: Mapped[str] = mapped_column(String(1000))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolver_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str | None] = mapped_column(String(8))  # upheld | changed
    resolution: Mapped[str] = mapped_column(String(1000), default="")
    new_review_id: Mapped[int | None] = mapped_column(ForeignKey("conversation_review.id"))

    review: Mapped[Review] = relationship(foreign_keys=[review_id])
    agent: Mapped[User] = relationship(foreign_keys=[agent_id])
    resolver: Mapped[User | None] = relationship(foreign_keys=[resolver_id])


class QueueItem(db.Model):
    """A conversation sampled for a reviewer; done once the conversation has a review."""

    __tablename__ = "conversation_queue_item"
    __change_owner__ = None  # shown on no page with an ETag (app/page_cache)

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversation.id"), unique=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    month: Mapped[str] = mapped_column(String(7))  # YYYY-MM, local time
    queued_on: Mapped[date] = mapped_column(Date)

    conversation: Mapped[Conversation] = relationship()


# --- calibration --------------------------------------------------------------------------------


class CalibrationSession(db.Model):
    """A lead's calibration: several reviewers score the same conversations blind on their
    channel's scorecard, compare, discuss, and the lead records the agreed score of every item.
    Scoring closes when the lead says so (everyone then sees every score); the session closes
    once every item has its agreed score."""

    __tablename__ = "calibration_session"
    __change_owner__ = None  # shown on no kept page (app/page_cache)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    lead_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    scoring_closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    lead: Mapped[User] = relationship()
    members: Mapped[list[CalibrationMember]] = relationship(
        back_populates="session", order_by="CalibrationMember.id", cascade="all, delete-orphan"
    )
    items: Mapped[list[CalibrationItem]] = relationship(
        back_populates="session", order_by="CalibrationItem.position",
        cascade="all, delete-orphan",
    )  # fmt: skip


class CalibrationMember(db.Model):
    """A reviewer invited to score the session's items."""

    __tablename__ = "calibration_member"
    __change_owner__ = None
    __table_args__ = (UniqueConstraint("session_id", "reviewer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("calibration_session.id"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)

    session: Mapped[CalibrationSession] = relationship(back_populates="members")
    reviewer: Mapped[User] = relationship()


class CalibrationItem(db.Model):
    """What a session calibrates on: a conversation, scored on the scorecard in force when it
    was picked, or one reply of a role-play answer (a quiz attempt's answer; for a dialogue,
    the reply to one turn), scored on the rubric criteria its automatic score judged."""

    __tablename__ = "calibration_item"
    __change_owner__ = None
    __table_args__ = (
        UniqueConstraint("session_id", "conversation_id"),
        UniqueConstraint("session_id", "answer_id", "turn", name="uq_calibration_item_answer_turn"),
        CheckConstraint("(conversation_id IS NULL) <> (answer_id IS NULL)", name="one_subject"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("calibration_session.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    conversation_id: Mapped[int | None] = mapped_column(ForeignKey("conversation.id"), index=True)
    scorecard_id: Mapped[int | None] = mapped_column(ForeignKey("conversation_scorecard.id"))
    answer_id: Mapped[int | None] = mapped_column(ForeignKey("answer.id"), index=True)
    # The dialogue turn the reply answers; "" for a conversation or a single role-play reply.
    turn: Mapped[str] = mapped_column(String(80), default="", server_default="")

    session: Mapped[CalibrationSession] = relationship(back_populates="items")
    conversation: Mapped[Conversation | None] = relationship()
    scorecard: Mapped[Scorecard | None] = relationship()
    answer: Mapped[Answer | None] = relationship()

    @property
    def is_roleplay(self) -> bool:
        return self.answer_id is not None

    @property
    def reference(self) -> str:
        """How people name the item: the conversation's reference, or the answer's."""
        if self.answer_id is None:
            return self.conversation.external_id
        ref = f"attempt:{self.answer.attempt_id}:answer:{self.answer_id}"
        return f"{ref}:turn:{self.turn}" if self.turn else ref


class CalibrationScore(db.Model):
    """One reviewer's rating of one scorecard item of a calibrated conversation, with a comment.
    A reviewer submits all the items of a conversation at once, and never changes them."""

    __tablename__ = "calibration_score"
    __change_owner__ = None
    __table_args__ = (UniqueConstraint("item_id", "reviewer_id", "scorecard_item"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("calibration_item.id"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    scorecard_item: Mapped[str] = mapped_column(String(80))
    rating: Mapped[str] = mapped_column(String(8))
    comment: Mapped[str] = mapped_column(String(1000), default="")
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    reviewer: Mapped[User] = relationship()


class CalibrationAgreed(db.Model):
    """The score the lead recorded as agreed for one scorecard item of a calibrated
    conversation: a labelled example for the scorer once the session is closed."""

    __tablename__ = "calibration_agreed"
    __change_owner__ = None
    __table_args__ = (UniqueConstraint("item_id", "scorecard_item"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("calibration_item.id"), index=True)
    scorecard_item: Mapped[str] = mapped_column(String(80))
    rating: Mapped[str] = mapped_column(String(8))
    decided_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class CalibrationComment(db.Model):
    """A message of the discussion about one scorecard item of a calibrated conversation."""

    __tablename__ = "calibration_comment"
    __change_owner__ = None

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("calibration_item.id"), index=True)
    scorecard_item: Mapped[str] = mapped_column(String(80))
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    text: Mapped[str] = mapped_column(String(1000))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[User] = relationship()
