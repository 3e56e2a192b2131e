"""A rehearsal of submitting a role-play attempt, run when a worker starts, so that its first
real submit costs no more than the next ones; nothing it writes stays.

SQLAlchemy compiles each statement the first time a process runs it: a role-play submit runs
about forty (its own and those of the capabilities that react to it), and compiling them made
a fresh worker's first submit about twice as slow as the next. The rehearsal runs a submit for
one active agent in a transaction that is rolled back (app.database.rehearsal): the quiz's
gates, the lock on the person, the attempts policy, grading a reply (one of the question's
examples, so the scorer's per-word entries of everyday words are made), the INSERTs of the
attempt and its answer, and the receivers of `attempt_submitted` (standards evidence, course
completion, certification standings...) with their own writes, up to the COMMIT, which is
refused once the listeners that run before it have sent their statements.
"""

from __future__ import annotations

import contextlib

from sqlalchemy import delete, select

from app import clock, events
from app.database import rehearsal, writing
from app.extensions import db
from app.people.models import Role, User
from app.quizzes import services
from app.quizzes.models import Attempt, Quiz, QuizDraft
from app.quizzes.question_types import Sitting
from app.quizzes.versions import VersionView, view_version

# what is graded when the question holds no example answer
SAMPLE_REPLIES = {
    "ar": "نعتذر عن التأخير ونتفهم انزعاجك. حجزت لك زيارة فني غدًا الساعة العاشرة، وسأتصل بك "
    "بنفسي بعد الزيارة للتأكد من أن كل شيء على ما يرام. شكرًا لصبرك.",
    "en": "I'm sorry for the delay and I understand how frustrating this is. I have booked a "
    "technician for tomorrow at 10 am and I will call you myself afterwards to make sure "
    "everything works. Thank you for your patience.",
}


def rehearse_submit() -> bool:
    """Run a role-play submit once, rolled back, for the first active agent and a quiz on
    offer with a course (one with a role-play question if there is one); False when there is
    no such agent or quiz (a new installation: nothing to compile yet).

    Its transaction takes the write lock from its first statement on SQLite, as a request that
    writes does (app.database.writing): begun as a plain read, its first write failed at once
    ("database is locked") whenever another worker committed in between, as requests arriving
    while workers start do."""
    with writing():
        agent = db.session.scalar(
            select(User).where(User.role == Role.AGENT, User.active).order_by(User.id).limit(1)
        )
        quizzes = db.session.scalars(
            select(Quiz)
            .where(Quiz.active.is_(True), Quiz.course_id.is_not(None))
            .where(Quiz.current_version_id.is_not(None))
            .order_by(Quiz.id)
        ).all()
        if agent is None or not quizzes:
            return False
        views = [(quiz, view_version(quiz.current_version)) for quiz in quizzes]
        quiz, version = next(
            (pair for pair in views if any(q.is_roleplay for q, _ in pair[1].questions)),
            views[0],
        )
        with rehearsal(db.session):
            _rehearse(agent, quiz, version)
    return True


def _rehearse(agent: User, quiz: Quiz, version: VersionView) -> None:
    # A gate refuses with its capability's own exception (the course not open to this agent):
    # its reads are compiled all the same.
    with contextlib.suppress(Exception):
        services.check_quiz_open(agent, quiz)
    services.lock_user(agent)
    services.attempt_by_key(agent, "rehearsal")
    services.attempts_state(agent, quiz, version)
    attempt = _attempt(agent, quiz, version, "rehearsal")
    attempt.quiz = quiz
    sitting = Sitting(agent, quiz.current_version_id, version.context(agent.locale))
    grades = [
        (
            position,
            question.id,
            qtype.grade(question, _reply(question, agent.locale), sitting.context),
        )
        for position, (qtype, question) in enumerate(version.questions, start=1)
        if qtype.is_roleplay and qtype.name == "roleplay"
    ]
    for position, question_id, grade in grades:
        attempt.answers.append(services.answer_row(question_id, position, "", grade))
    attempt.auto_score, _passed = services.attempt_outcome(
        [(g.points, g.max_points, False) for _, _, g in grades], version.pass_mark
    )
    attempt.auto_passed = True  # a pass: the longer path (course completion, certification)
    db.session.add(attempt)
    db.session.execute(delete(QuizDraft).where(
        QuizDraft.user_id == agent.id, QuizDraft.quiz_version_id == quiz.current_version_id
    ))  # fmt: skip
    db.session.flush()
    events.attempt_submitted.send(attempt)
    # The ORM sends one answer as an INSERT of its own and several as one batched INSERT,
    # compiled apart: the other form is rehearsed with a second attempt of one answer more or
    # one fewer.
    if grades:
        count = 2 if len(grades) == 1 else 1
        other = _attempt(agent, quiz, version, "rehearsal-2")
        position, question_id, grade = grades[0]
        for n in range(count):
            other.answers.append(services.answer_row(f"{question_id}-{n}", position + n, "", grade))
        db.session.add(other)
    # The COMMIT is refused (app.database.rehearsal) after the listeners that run before it
    # (the page cache's change counters, the report counts) have sent their statements.
    db.session.commit()


def _attempt(agent: User, quiz: Quiz, version: VersionView, key: str) -> Attempt:
    now = clock.now()
    return Attempt(
        user_id=agent.id, quiz_id=quiz.id, quiz_version_id=quiz.current_version_id,
        idempotency_key=key, started_at=now, submitted_at=now, locale=agent.locale,
        auto_score=0, auto_passed=False, pass_mark=version.pass_mark,
    )  # fmt: skip


def _reply(question, locale: str) -> str:
    examples = getattr(question, "examples", None) or []
    return examples[0].text if examples else SAMPLE_REPLIES.get(locale, SAMPLE_REPLIES["en"])
