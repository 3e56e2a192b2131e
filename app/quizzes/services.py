"""Taking quizzes: what may be taken, the attempts policy, and submitting an attempt once.

Other capabilities import only from this module (e.g. `passed_quiz_ids`).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import NamedTuple

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import and_, bindparam, case, delete, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import undefer
from sqlalchemy.orm.attributes import set_committed_value

from app import clock, events
from app.database import read_rows, users_filter, users_parameters
from app.extensions import db
from app.i18n import format_moment
from app.people.models import User
from app.quizzes import drafts
from app.quizzes.errors import QuizRefused
from app.quizzes.models import Answer, Attempt, Quiz, QuizDraft, QuizVersion, ScoreOverride
from app.quizzes.question_types import Grade, Sitting
from app.quizzes.versions import VersionView, view_version


def latest_override_ids():
    """Subquery: the newest override id of each overridden attempt."""
    return (
        select(func.max(ScoreOverride.id).label("id"), ScoreOverride.attempt_id)
        .group_by(ScoreOverride.attempt_id)
        .subquery()
    )


@cache
def _passed_query():
    """Built once: every progress page runs it."""
    latest = latest_override_ids()
    return (
        select(Attempt.user_id, Attempt.quiz_id)
        .outerjoin(latest, latest.c.attempt_id == Attempt.id)
        .outerjoin(ScoreOverride, ScoreOverride.id == latest.c.id)
        .where(Attempt.user_id.in_(bindparam("user_ids", expanding=True)))
        .where(
            or_(
                and_(ScoreOverride.id.is_(None), Attempt.auto_passed.is_(True)),
                ScoreOverride.passed.is_(True),
            )
        )
        .distinct()
    )


def passed_quiz_ids(user_ids: list[int]) -> dict[int, set[str]]:
    """For each user, the quizzes they have passed, counting managers' overrides."""
    passed: dict[int, set[str]] = {user_id: set() for user_id in user_ids}
    for user_id, quiz_id in db.session.execute(_passed_query(), {"user_ids": list(user_ids)}):
        passed[user_id].add(quiz_id)
    return passed


class QuizRecord(NamedTuple):
    attempts: int  # submitted, passed or not
    best: float | None  # the best score (percent)
    passed: bool  # any attempt passed


@cache
def quiz_records_query(one: bool = False):
    """(user id, quiz id, attempts, best score, passed as 1 or 0) of the users in the expanding
    parameter `user_ids` (`one`: of the user `user_id`, which spares expanding a list), as
    quiz_records reads them: built once (every progress page runs it), and usable inside
    another statement (app.courses reads it with the rest of an agent's learning)."""
    latest = latest_override_ids()
    passed = or_(
        and_(ScoreOverride.id.is_(None), Attempt.auto_passed.is_(True)),
        ScoreOverride.passed.is_(True),
    )
    return (
        select(Attempt.user_id, Attempt.quiz_id, func.count(Attempt.id),
               func.max(func.coalesce(ScoreOverride.score, Attempt.auto_score)),
               func.max(case((passed, 1), else_=0)))
        .outerjoin(latest, latest.c.attempt_id == Attempt.id)
        .outerjoin(ScoreOverride, ScoreOverride.id == latest.c.id)
        .where(users_filter(Attempt.user_id, one))
        .group_by(Attempt.user_id, Attempt.quiz_id)
    )  # fmt: skip


def quiz_records(user_ids: list[int]) -> dict[tuple[int, str], QuizRecord]:
    """(user id, quiz id) -> attempts submitted, the best score and whether one passed, a
    manager's latest override standing in for the automatic score and outcome it reviewed;
    what passed_quiz_ids tells and more, in the same one statement."""
    if not user_ids:
        return {}
    one = len(user_ids) == 1
    rows = read_rows(db.session, quiz_records_query(one), users_parameters(user_ids))
    return {(u, q): QuizRecord(n, best, bool(passed)) for u, q, n, best, passed in rows}


def prepare_quizzes_on_offer() -> int:
    """Compile and bind the rubrics of the current version of every active quiz in this
    process (kept with the version: app.quizzes.versions), so that the first answer a worker
    grades costs no more than the next. Returns how many versions were prepared."""
    rows = db.session.scalars(
        select(QuizVersion)
        .options(undefer(QuizVersion.definition))  # every one is parsed: read them together
        .join(Quiz, Quiz.current_version_id == QuizVersion.id)
        .where(Quiz.active.is_(True))
    ).all()
    for row in rows:
        view_version(row).prepare()
    return len(rows)


# --- what may be taken ------------------------------------------------------------------------


def get_takeable_quiz(quiz_id: str) -> Quiz | None:
    """An active quiz with a loaded version, else None (the caller answers 404)."""
    quiz = db.session.get(Quiz, quiz_id)
    if quiz is None or not quiz.active or quiz.current_version is None:
        return None
    return quiz


def check_quiz_open(user: User, quiz: Quiz) -> None:
    """Ask the capabilities that gate quizzes whether the user may open this one; a refusal is
    their exception (CourseLocked while the quiz's course is not open to the user yet,
    QuizRefused when a placement quiz is not offered to them)."""
    events.quiz_opening.send(quiz, user=user)


@dataclass
class AttemptsState:
    used: int
    allowed: int  # 0: unlimited
    next_at: datetime | None  # when the wait between attempts ends
    refusal: str | None  # why a new attempt is refused now, or None


def attempts_state(user: User, quiz: Quiz, version: VersionView) -> AttemptsState:
    """How many attempts the user has used and whether another is allowed now."""
    used, last = db.session.execute(
        select(func.count(Attempt.id), func.max(Attempt.submitted_at)).where(
            Attempt.user_id == user.id, Attempt.quiz_id == quiz.id
        )
    ).one()
    state = AttemptsState(used, version.max_attempts, None, None)
    if version.max_attempts and used >= version.max_attempts:
        state.refusal = ngettext(
            "You have used your only attempt at this quiz.",
            "You have used all %(num)s attempts at this quiz.",
            used,
        )
        return state
    if last is not None and version.wait_minutes:
        last = last if last.tzinfo else last.replace(tzinfo=UTC)
        next_at = last + timedelta(minutes=version.wait_minutes)
        if next_at > clock.now():
            state.next_at = next_at
            when = format_moment(next_at)
            state.refusal = _("You can try this quiz again from %(when)s.", when=when)
    return state


# --- the form's token -------------------------------------------------------------------------


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="quiz-attempt")


def issue_token(user: User, quiz: Quiz) -> str:
    """A signed token put in the quiz form: its key makes a resent form record nothing new, it
    remembers when the quiz was opened, and which version of the quiz the form shows."""
    key = secrets.token_urlsafe(24)
    started = clock.now().isoformat()
    return _serializer().dumps([user.id, quiz.id, key, started, quiz.current_version_id])


@dataclass(frozen=True)
class FormToken:
    key: str
    started: datetime
    version_id: int | None  # None in forms issued before tokens carried it


def read_token(token: str, user: User, quiz: Quiz) -> FormToken:
    """The idempotency key, start time and version of a form; QuizRefused when not ours."""
    try:
        user_id, quiz_id, key, started, *rest = _serializer().loads(token or "")
        started = datetime.fromisoformat(started)
    except (BadSignature, ValueError, TypeError):
        raise _invalid_form() from None
    if user_id != user.id or quiz_id != quiz.id:
        raise _invalid_form()
    return FormToken(key, started, rest[0] if rest and isinstance(rest[0], int) else None)


def _invalid_form() -> QuizRefused:
    # Translated only when refused: a valid form is read outside a request too (a script).
    return QuizRefused(_("This form is no longer valid. Please open the quiz again."), 400)


def form_version(quiz: Quiz, token: str) -> QuizVersion:
    """The version of the quiz a form was shown with. After a content sync the form still
    belongs to the version it showed (versions are never deleted), so it is marked on that one;
    an unreadable token falls back to the current version (read_token refuses it on submit)."""
    try:
        version_id = _serializer().loads(token or "")[4]
    except (BadSignature, ValueError, TypeError, IndexError):
        version_id = None
    if isinstance(version_id, int) and version_id != quiz.current_version_id:
        version = db.session.get(QuizVersion, version_id)
        if version is not None and version.quiz_id == quiz.id:
            return version
    return quiz.current_version


def token_key(token: str) -> str:
    """The key inside a token (used to shuffle the same way when a form is shown again)."""
    try:
        return str(_serializer().loads(token)[2])
    except (BadSignature, ValueError, TypeError, IndexError):
        return ""


# --- keeping and submitting ------------------------------------------------------------------


def save_form(user: User, quiz: Quiz, token: str, form) -> None:
    """Keep the form's answers as the user's draft of the version it shows, and commit.
    QuizRefused when the form is not the user's; the gate's refusal (CourseLocked) while the
    quiz may not be opened."""
    check_quiz_open(user, quiz)
    read_token(token, user, quiz)
    drafts.save_draft(user, form_version(quiz, token).id, form)


def submit_attempt(user: User, quiz: Quiz, form, token: str) -> Attempt:
    """Grade and record an attempt in one transaction and commit it. The same form sent again
    (double click, retry) returns the attempt recorded the first time. Raises QuizRefused when
    the form or the attempts policy refuses it, and the gate's refusal (CourseLocked) while the
    quiz may not be opened."""
    check_quiz_open(user, quiz)
    form_token = read_token(token, user, quiz)
    lock_user(user)
    existing = attempt_by_key(user, form_token.key)
    if existing is not None:
        return existing
    version_row = form_version(quiz, token)
    version = view_version(version_row)
    check_reply_lengths(version, form)
    state = attempts_state(user, quiz, version)
    if state.refusal:
        raise QuizRefused(state.refusal, 409)
    attempt = _record_attempt(user, quiz, version_row.id, version, form, form_token)
    try:
        # the attempt's own INSERT, before any other statement would flush it unguarded
        db.session.flush()
    except IntegrityError:
        # the same form won a race in another request: show that attempt (any other broken
        # constraint is an error, and stays one)
        db.session.rollback()
        existing = attempt_by_key(user, form_token.key)
        if existing is None:
            raise
        return existing
    db.session.execute(delete(QuizDraft).where(
        QuizDraft.user_id == user.id, QuizDraft.quiz_version_id == version_row.id
    ))  # fmt: skip
    # Course completion, placement and standards evidence move now, in this transaction.
    events.attempt_submitted.send(attempt)
    attempt_id = attempt.id
    db.session.commit()
    # The caller goes on to the result page by the id: keep it rather than read the attempt
    # again, which would open a second transaction (on SQLite a second wait for the write lock).
    set_committed_value(attempt, "id", attempt_id)
    return attempt


def lock_user(user: User) -> None:
    """Serialise one user's submissions (PostgreSQL; SQLite already writes one at a time), so
    the attempts policy cannot be beaten by sending two forms at once."""
    db.session.execute(select(User.id).where(User.id == user.id).with_for_update())


def attempt_by_key(user: User, key: str) -> Attempt | None:
    return db.session.scalar(
        select(Attempt).where(Attempt.user_id == user.id, Attempt.idempotency_key == key)
    )


def check_reply_lengths(version: VersionView, form) -> None:
    """Refuse a reply over the configured limit before anything is graded or stored."""
    limit = current_app.config["MAX_REPLY_CHARS"]
    for number, (qtype, question) in enumerate(version.questions, start=1):
        length = qtype.typed_length(question, form)
        if length > limit:
            message = ngettext(
                "Your reply to question %(n)s is %(num)s character long; the limit is "
                "%(limit)s. Shorten it and send the quiz again.",
                "Your reply to question %(n)s is %(num)s characters long; the limit is "
                "%(limit)s. Shorten it and send the quiz again.",
                length, n=number, limit=limit,
            )  # fmt: skip
            raise QuizRefused(message)


def _record_attempt(user, quiz, version_id, version: VersionView, form, token) -> Attempt:
    sitting = Sitting(user, version_id, version.context(user.locale))
    attempt = Attempt(
        user_id=user.id, quiz_id=quiz.id, quiz_version_id=version_id,
        idempotency_key=token.key, started_at=token.started, submitted_at=clock.now(), locale=user.locale,
        pass_mark=version.pass_mark, auto_score=0, auto_passed=False,
    )  # fmt: skip
    grades = []
    for position, (qtype, question) in enumerate(version.questions, start=1):
        response = qtype.read(question, form, sitting)
        grade = qtype.grade(question, response, sitting.context)
        grades.append(grade)
        attempt.answers.append(answer_row(question.id, position, response, grade))
    for qtype, question in version.questions:
        qtype.close(question, sitting)
    attempt.auto_score, attempt.auto_passed = attempt_outcome(
        [(g.points, g.max_points, g.detail.get("critical_failure", False)) for g in grades],
        version.pass_mark,
    )
    db.session.add(attempt)
    return attempt


def answer_row(question_id: str, position: int, response, grade: Grade) -> Answer:
    detail = grade.detail
    return Answer(
        question_id=question_id, position=position, response={"answer": response},
        points=grade.points, max_points=grade.max_points, detail=detail,
        score=detail.get("score"), confidence=detail.get("confidence"),
        pass_mark=detail.get("pass_mark"),
    )  # fmt: skip


def attempt_outcome(parts: list[tuple[float, float, bool]], pass_mark: int) -> tuple[float, bool]:
    """Score (percent of points, one decimal) and pass of an attempt from (points, max points,
    critical failure) per answer. A critical violation in any role-play fails the attempt."""
    total = sum(maximum for _, maximum, _ in parts)
    score = round(100 * sum(points for points, _, _ in parts) / total, 1) if total else 0.0
    return score, score >= pass_mark and not any(critical for _, _, critical in parts)
