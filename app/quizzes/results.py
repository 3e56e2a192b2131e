"""Reading attempts back: who may see one, and the automatic and overridden scores side by side."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from app.extensions import db
from app.people import services as people
from app.people.models import User
from app.quizzes.highlight import highlighted_lines
from app.quizzes.models import Answer, AnswerFlag, Attempt, ScoreOverride
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
    """One answer as the result and review pages show it."""

    answer: Answer
    question: object
    type_name: str
    number: int
    override: ScoreOverride | None = None
    flag: AnswerFlag | None = None
    replies: list[dict] = field(default_factory=list)  # role-play: one per reply (turn)

    @property
    def is_roleplay(self) -> bool:
        return self.type_name in ("roleplay", "roleplay_dialogue")


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
    item = AnswerView(answer, question, qtype.name if qtype else "", answer.position, override)
    detail = answer.detail or {}
    if detail.get("kind") == "roleplay":
        item.replies = [reply_view(detail, prefix="")]
    elif detail.get("kind") == "dialogue":
        item.replies = [reply_view(turn, prefix=f"{turn['turn']}/") for turn in detail["turns"]]
    return item


def reply_view(detail: dict, prefix: str) -> dict:
    """One scored reply: its highlighted text and its outcomes, with the key a reviewer's
    override uses for each criterion (`turn/criterion` in a dialogue)."""
    outcomes = [dict(o, key=prefix + o["id"]) for o in detail["outcomes"]]
    return {
        "detail": detail,
        "lines": highlighted_lines(detail["text"], detail["outcomes"]),
        "required": [o for o in outcomes if o["kind"] == "required"],
        "forbidden": [o for o in outcomes if o["kind"] == "forbidden"],
        "empty": not detail["text"].strip(),
    }
