"""A rehearsal of submitting an attempt, run when a worker starts, so that its first real submit
costs no more than the next ones; nothing is written.

SQLAlchemy compiles each statement the first time a process runs it: a role-play submit runs
about forty (its own reads and those of the capabilities that react to it), and compiling them
made a fresh worker's first submit about twice as slow as the next. The rehearsal runs the
reads of a submit for one active agent: the quiz's gates, the attempts policy, then the
receivers of `attempt_submitted` with an attempt that is never stored (standards evidence,
course completion, certification standings...), up to the first flush, which is refused
(app.database.rehearsal): the database sees SELECTs only, and what receivers changed in memory
is rolled back with the session. Left for the first submit: the lock on the person (a write on
PostgreSQL), reading the new attempt again after its commit, and the INSERTs and UPDATEs.
"""

from __future__ import annotations

import contextlib

from sqlalchemy import select

from app import clock, events
from app.database import rehearsal
from app.extensions import db
from app.people.models import Role, User
from app.quizzes import services
from app.quizzes.models import Answer, Attempt, Quiz
from app.quizzes.versions import view_version


def rehearse_submit() -> bool:
    """Run a submit's reads once, for the first active agent and a quiz on offer with a
    course; False when there is neither (a new installation: nothing to compile yet)."""
    agent = db.session.scalar(
        select(User).where(User.role == Role.AGENT, User.active).order_by(User.id).limit(1)
    )
    quiz = db.session.scalar(
        select(Quiz)
        .where(Quiz.active.is_(True), Quiz.course_id.is_not(None))
        .where(Quiz.current_version_id.is_not(None))
        .order_by(Quiz.id)
        .limit(1)
    )
    if agent is None or quiz is None:
        return False
    with rehearsal(db.session):
        _rehearse(agent, quiz)
    return True


def _rehearse(agent: User, quiz: Quiz) -> None:
    # A gate refuses with its capability's own exception (the course not open to this agent):
    # its reads are compiled all the same.
    with contextlib.suppress(Exception):
        services.check_quiz_open(agent, quiz)
    services.attempt_by_key(agent, "rehearsal")
    version = view_version(quiz.current_version)
    services.attempts_state(agent, quiz, version)
    now = clock.now()
    attempt = Attempt(
        id=0, user_id=agent.id, quiz_id=quiz.id, quiz_version_id=quiz.current_version_id,
        idempotency_key="rehearsal", started_at=now, submitted_at=now, locale=agent.locale,
        auto_score=100.0, auto_passed=True, pass_mark=version.pass_mark, quiz=quiz,
        answers=[Answer(id=0, question_id="rehearsal", position=1, response={}, points=1,
                        max_points=1, detail={}, score=100.0, criteria={})],
    )  # fmt: skip
    events.attempt_submitted.send(attempt)
    # What the flush listeners read (the report counts' people) is read; the flush is refused.
    db.session.flush()
