"""The review queue and score overrides. An override is a new row beside the automatic score;
attempts and answers are never changed."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from app import clock, events
from app.audit import services as audit
from app.extensions import db
from app.notifications.services import notify
from app.people import services as people
from app.people.models import Role, User
from app.quizzes.errors import QuizRefused
from app.quizzes.models import Answer, AnswerFlag, Attempt, ScoreOverride
from app.quizzes.results import answer_overrides, answer_type, flags_of
from app.quizzes.services import attempt_outcome

# Answers the scorer is unsure of, or that sit close to the pass mark, are reviewed by a person.
LOW_CONFIDENCE = 0.6
NEAR_PASS_MARK = 10


def flag_answer(user: User, answer: Answer, reason: str) -> AnswerFlag:
    """The agent's "I think this was scored wrongly"; audited. The caller commits."""
    existing = db.session.scalar(
        select(AnswerFlag).where(AnswerFlag.answer_id == answer.id, AnswerFlag.user_id == user.id)
    )
    if existing is not None:
        return existing
    flag = AnswerFlag(answer_id=answer.id, user_id=user.id, reason=reason, created_at=clock.now())
    db.session.add(flag)
    db.session.flush()
    audit.record("answer_flagged", "answer", answer.id, actor=user, after={"reason": reason})
    return flag


def own_roleplay_answer(user: User, answer_id: int) -> Answer | None:
    """A role-play answer of the user's own attempts, else None (the caller answers 404)."""
    return db.session.scalar(
        select(Answer)
        .join(Attempt, Attempt.id == Answer.attempt_id)
        .where(Answer.id == answer_id, Attempt.user_id == user.id, Answer.score.is_not(None))
    )


def _team_agents(manager: User):
    return (
        people.visible_people_query(manager)
        .where(User.role == Role.AGENT)
        .with_only_columns(User.id)
    )


def review_queue(manager: User, page: int = 1):
    """Role-play answers of the manager's agents waiting for a person: low confidence, near the
    pass mark, or flagged by the agent, and not reviewed since (a page, flagged ones first),
    with the flags of the answers on the page."""
    flagged = (
        select(AnswerFlag.answer_id, func.max(AnswerFlag.created_at).label("at"))
        .group_by(AnswerFlag.answer_id)
        .subquery()
    )
    reviewed = (
        select(ScoreOverride.answer_id, func.max(ScoreOverride.created_at).label("at"))
        .where(ScoreOverride.answer_id.is_not(None))
        .group_by(ScoreOverride.answer_id)
        .subquery()
    )
    query = (
        select(Answer)
        .join(Attempt, Attempt.id == Answer.attempt_id)
        .outerjoin(flagged, flagged.c.answer_id == Answer.id)
        .outerjoin(reviewed, reviewed.c.answer_id == Answer.id)
        .options(joinedload(Answer.attempt).joinedload(Attempt.user))
        .options(joinedload(Answer.attempt).joinedload(Attempt.quiz))
        .where(Attempt.user_id.in_(_team_agents(manager)), Answer.score.is_not(None))
        .where(
            or_(
                Answer.confidence < LOW_CONFIDENCE,
                func.abs(Answer.score - Answer.pass_mark) <= NEAR_PASS_MARK,
                flagged.c.at.is_not(None),
            )
        )
        .where(or_(reviewed.c.at.is_(None), flagged.c.at > reviewed.c.at))
        .order_by(flagged.c.at.is_(None), Attempt.submitted_at.desc(), Answer.id)
    )
    result = db.paginate(query, page=page, per_page=50, error_out=False)
    return result, flags_of([answer.id for answer in result.items])


def reviewable_answer(manager: User, answer_id: int) -> Answer | None:
    """A role-play answer of one of the manager's agents, else None (the caller answers 404)."""
    return db.session.scalar(
        select(Answer)
        .join(Attempt, Attempt.id == Answer.attempt_id)
        .options(joinedload(Answer.attempt).joinedload(Attempt.user))
        .where(Answer.id == answer_id, Answer.score.is_not(None))
        .where(Attempt.user_id.in_(_team_agents(manager)))
    )


def criterion_keys(answer: Answer) -> dict[str, bool]:
    """Each criterion a reviewer may set, with its automatic value, as the answer's question
    type names them."""
    return answer_type(answer).criterion_keys(answer.detail)


def answer_result(answer: Answer, flags: dict[str, bool], total: int | None) -> tuple[int, bool]:
    """The answer's score (0-100) and critical failure with criteria set by the reviewer, by its
    question type's regrading; a total, when given, replaces the computed score."""
    score, critical = answer_type(answer).regrade(answer.detail, flags)
    return (total if total is not None else score), critical


def override_answer(manager: User, answer: Answer, flags: dict[str, bool], total: int | None,
                    reason: str, *, link: str | None = None) -> ScoreOverride:  # fmt: skip
    """Record a manager's correction of an answer: a new ScoreOverride beside the automatic
    score, audited with before and after, the agent notified, and `score_overridden` sent (course
    completion and standards evidence follow it). The caller commits."""
    if not reason.strip():
        raise QuizRefused(_("Give a reason for the override."))
    known = criterion_keys(answer)
    if set(flags) - set(known):
        raise QuizRefused(_("Unknown criterion in the override."))
    attempt = answer.attempt
    earlier = answer_overrides(attempt.id)
    flags = {**known, **flags}
    answer_score, _critical = answer_result(answer, flags, total)
    score, passed = _attempt_after(attempt, earlier, answer, flags, answer_score)
    row = ScoreOverride(
        attempt_id=attempt.id, answer_id=answer.id, manager_id=manager.id, created_at=clock.now(),
        criteria=flags, score=score, passed=passed, reason=reason.strip(),
        answer_score=answer_score,
    )  # fmt: skip
    db.session.add(row)
    db.session.flush()
    _record_change(manager, attempt, answer, earlier, row)
    _tell_agent(attempt, row, link)
    # Course completion and standards evidence follow the override straight away.
    events.score_overridden.send(attempt, override=row)
    return row


def _attempt_after(attempt, earlier: dict, answer, flags, answer_score) -> tuple[float, bool]:
    """The attempt's score and pass once this answer (and earlier overrides) are applied."""
    parts = []
    for item in attempt.answers:
        if item.id == answer.id:
            _, critical = answer_result(item, flags, None)
            parts.append((item.max_points * answer_score / 100, item.max_points, critical))
        elif item.id in earlier:
            row = earlier[item.id]
            _, critical = answer_result(item, row.criteria, None)
            parts.append((item.max_points * row.answer_score / 100, item.max_points, critical))
        else:
            critical = bool((item.detail or {}).get("critical_failure"))
            parts.append((item.points, item.max_points, critical))
    return attempt_outcome(parts, attempt.pass_mark)


def _record_change(manager, attempt, answer, earlier: dict, row: ScoreOverride) -> None:
    previous = earlier.get(answer.id)
    in_force = db.session.scalar(
        select(ScoreOverride)
        .where(ScoreOverride.attempt_id == attempt.id, ScoreOverride.id != row.id)
        .order_by(ScoreOverride.id.desc())
        .limit(1)
    )
    before = {
        "score": in_force.score if in_force else attempt.auto_score,
        "passed": in_force.passed if in_force else attempt.auto_passed,
        "answer_id": answer.id,
        "answer_score": previous.answer_score if previous else answer.score,
        "criteria": previous.criteria if previous else criterion_keys(answer),
    }
    after = {"score": row.score, "passed": row.passed, "answer_id": answer.id,
             "answer_score": row.answer_score, "criteria": row.criteria}  # fmt: skip
    audit.record("score_overridden", "attempt", attempt.id, actor=manager, before=before,
                 after=after, reason=row.reason)  # fmt: skip


def _tell_agent(attempt: Attempt, row: ScoreOverride, link: str | None) -> None:
    params = {
        "quiz": attempt.quiz.title_in(attempt.user.locale),
        "score": f"{row.score:g}",
        "reason": row.reason,
    }
    notify(attempt.user_id, "score_overridden", params, link=link)
