"""Reading attempts back: who may see one, and the automatic and overridden scores side by side."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from app.extensions import db
from app.people import services as people
from app.people.models import User
from app.quizzes.models import Answer, AnswerFlag, Attempt, ScoreOverride
from app.quizzes.question_types import QuestionType
from app.quizzes.versions import view_version


def get_visible_attempt(viewer: User, attempt_id: int) -> Attempt | None:
    """The attempt if the viewer is its owner, a manager of the owner's team, hr or admin."""
    attempt = db.session.scalar(
        select(Attempt)
        .options(selectinload(Attempt.answers), joinedload(Attempt.quiz))
        .where(Attempt.id == attempt_id)
    )
    if attempt is None:
        return None
    if attempt.user_id == viewer.id or people.get_visible_person(viewer, attempt.user_id):
        return attempt
    return None


def latest_override(attempt_id: int) -> ScoreOverride | None:
    """The override in force for the attempt (the newest one)."""
    return db.session.scalar(
        select(ScoreOverride)
        .options(joinedload(ScoreOverride.manager))
        .where(ScoreOverride.attempt_id == attempt_id)
        .order_by(ScoreOverride.id.desc())
        .limit(1)
    )


def answer_overrides(attempt_id: int) -> dict[int, ScoreOverride]:
    """The newest override of each overridden answer of an attempt."""
    rows = db.session.scalars(
        select(ScoreOverride)
        .options(joinedload(ScoreOverride.manager))
        .where(ScoreOverride.attempt_id == attempt_id, ScoreOverride.answer_id.is_not(None))
        .order_by(ScoreOverride.id)
    )
    return {row.answer_id: row for row in rows}


def flags_of(answer_ids: list[int]) -> dict[int, AnswerFlag]:
    if not answer_ids:
        return {}
    rows = db.session.scalars(select(AnswerFlag).where(AnswerFlag.answer_id.in_(answer_ids)))
    return {row.answer_id: row for row in rows}


@dataclass
class AnswerView:
    """One answer as the result and review pages show it (its type's result template)."""

    answer: Answer
    question: object
    qtype: QuestionType | None  # None: the question is gone from a malformed stored version
    number: int
    override: ScoreOverride | None = None
    flag: AnswerFlag | None = None
    replies: list[dict] = field(default_factory=list)  # role-play: one per reply (turn)

    @property
    def is_roleplay(self) -> bool:
        return self.qtype is not None and self.qtype.is_roleplay


@dataclass
class AttemptView:
    attempt: Attempt
    answers: list[AnswerView]
    override: ScoreOverride | None


def view_attempt(attempt: Attempt) -> AttemptView:
    """Everything the result page shows, in a fixed number of queries."""
    version = view_version(attempt.quiz_version)
    overrides = answer_overrides(attempt.id)
    flags = flags_of([a.id for a in attempt.answers])
    views = [view_answer(answer, version, overrides.get(answer.id)) for answer in attempt.answers]
    for item in views:
        item.flag = flags.get(item.answer.id)
    return AttemptView(attempt, views, latest_override(attempt.id))


def view_answer(answer: Answer, version, override: ScoreOverride | None) -> AnswerView:
    found = version.question(answer.question_id)
    qtype, question = found if found else (None, None)
    item = AnswerView(answer, question, qtype, answer.position, override)
    if qtype is not None and answer.detail:
        item.replies = qtype.replies(answer.detail)
    return item


def answer_type(answer: Answer) -> QuestionType:
    """The type of the question an answer was given to, in the version it was taken on."""
    return view_version(answer.attempt.quiz_version).question(answer.question_id)[0]
