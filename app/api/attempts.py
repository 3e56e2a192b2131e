"""Quiz attempts through the API, with the score of each answer and each criterion: the
scorer's and, where a manager overrode it, the one in force."""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from app.api import schemas
from app.extensions import db
from app.models_base import UTC
from app.people.models import User
from app.quizzes.models import Answer, Attempt, ScoreOverride


def attempts_page(query: schemas.AttemptQuery, user: User | None = None) -> schemas.AttemptPage:
    """Attempts, newest first: everyone's, or one person's."""
    found = select(Attempt)
    if user is not None:
        found = found.where(Attempt.user_id == user.id)
    if query.quiz:
        found = found.where(Attempt.quiz_id == query.quiz)
    if query.since:
        found = found.where(Attempt.submitted_at >= datetime.combine(query.since, time(), UTC))
    total = db.session.scalar(select(func.count()).select_from(found.subquery()))
    attempts = list(db.session.scalars(
        found.options(joinedload(Attempt.user), selectinload(Attempt.answers))
        .order_by(Attempt.submitted_at.desc(), Attempt.id.desc())
        .offset((query.page - 1) * query.per_page).limit(query.per_page)
    ))  # fmt: skip
    overrides = _overrides([a.id for a in attempts])
    return schemas.AttemptPage(
        items=[_attempt(a, overrides) for a in attempts], page=query.page,
        per_page=query.per_page, total=total or 0,
    )  # fmt: skip


def _overrides(attempt_ids: list[int]) -> dict:
    """The newest override of each attempt (key: attempt id) and of each answer (key:
    ("answer", answer id)), in one query."""
    if not attempt_ids:
        return {}
    rows = db.session.scalars(
        select(ScoreOverride)
        .where(ScoreOverride.attempt_id.in_(attempt_ids))
        .order_by(ScoreOverride.id)
    )
    newest: dict = {}
    for row in rows:
        newest[row.attempt_id] = row
        if row.answer_id is not None:
            newest[("answer", row.answer_id)] = row
    return newest


def _attempt(attempt: Attempt, overrides: dict) -> schemas.AttemptOut:
    override = overrides.get(attempt.id)
    return schemas.AttemptOut(
        id=attempt.id, employee_no=attempt.user.employee_no, quiz=attempt.quiz_id,
        submitted_at=attempt.submitted_at, locale=attempt.locale, pass_mark=attempt.pass_mark,
        score=override.score if override else attempt.auto_score,
        passed=override.passed if override else attempt.auto_passed,
        automatic_score=attempt.auto_score, automatic_passed=attempt.auto_passed,
        overridden=override is not None,
        answers=[_answer(a, overrides.get(("answer", a.id))) for a in attempt.answers],
    )  # fmt: skip


def _answer(answer: Answer, override: ScoreOverride | None) -> schemas.AnswerOut:
    flags = override.criteria if override else {}
    return schemas.AnswerOut(
        question_id=answer.question_id, position=answer.position, points=answer.points,
        max_points=answer.max_points,
        score=override.answer_score if override else answer.score,
        automatic_score=answer.score, overridden=override is not None,
        criteria=criteria_of(answer.detail or {}, flags),
    )  # fmt: skip


def criteria_of(detail: dict, flags: dict[str, bool]) -> list[schemas.CriterionOut]:
    """Each criterion of a scored reply (of each turn, in a dialogue); `flags` are a
    reviewer's values by key (`criterion`, or `turn/criterion` in a dialogue)."""
    if detail.get("kind") == "dialogue":
        replies = [(turn["turn"], turn) for turn in detail.get("turns", [])]
    elif detail.get("kind") == "roleplay":
        replies = [(None, detail)]
    else:
        return []  # a choice question has no criteria
    found = []
    for turn, reply in replies:
        for o in reply.get("outcomes", []):
            key = f"{turn}/{o['id']}" if turn else o["id"]
            found.append(schemas.CriterionOut(
                id=o["id"], turn=turn, kind=o["kind"], weight=o["weight"],
                critical=o["critical"], standard=o.get("standard"),
                present=flags.get(key, o["present"]), automatic=o["present"],
            ))  # fmt: skip
    return found
