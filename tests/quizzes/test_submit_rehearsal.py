"""A worker's start rehearses a role-play submit in a transaction it rolls back: the first real
submit finds its statements compiled, and nothing the rehearsal wrote stays."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event, func, select
from sqlalchemy.engine import Engine

from app import clock, create_app
from app.extensions import db
from app.page_cache.models import DataGeneration
from app.quizzes.models import Attempt, Quiz
from tests.conftest import PASSWORD, make_config
from tests.quizzes.conftest import GOOD_REPLY

QUIET = ("BEGIN", "COMMIT", "ROLLBACK", "PRAGMA", "SAVEPOINT", "RELEASE")


@contextmanager
def statements_sent():
    """Every statement any engine sends meanwhile, with whether it was compiled before."""
    sent: list[tuple[str, bool]] = []

    def before(_conn, _cursor, statement, _parameters, context, _executemany):
        if not statement.lstrip().upper().startswith(QUIET):
            sent.append((statement, context.cache_hit == context.cache_hit.CACHE_HIT))

    event.listen(Engine, "before_cursor_execute", before)
    try:
        yield sent
    finally:
        event.remove(Engine, "before_cursor_execute", before)


def _rows() -> dict[str, int]:
    counts = {t.name: db.session.scalar(select(func.count()).select_from(t))
              for t in db.metadata.sorted_tables}  # fmt: skip
    counts["generation"] = db.session.scalar(select(DataGeneration.overall)) or 0
    return counts


def _start_worker(database_url):
    return create_app(make_config(database_url, RUBRIC_WARMUP=True))


def test_a_worker_start_rehearses_a_submit_and_keeps_nothing(
    synced_quizzes, make_user, database_url
):
    make_user("agent")
    before = _rows()
    with statements_sent() as sent:
        started = _start_worker(database_url)
    try:
        db.session.rollback()  # see what the other app did
        assert _rows() == before
        texts = [text.lstrip().upper() for text, _cached in sent]
        # the attempt and its answer were written, then rolled back
        assert any(text.startswith("INSERT INTO ATTEMPT") for text in texts), texts
        assert any(text.startswith("INSERT INTO ANSWER") for text in texts), texts
        # the receivers of the submit ran: course completion, standards evidence
        assert any("LESSON_PROGRESS" in text for text in texts)
        assert any("FROM STANDARDS_VERSION" in text for text in texts)
    finally:
        with started.app_context():
            db.session.remove()
            db.engine.dispose()


def test_the_first_submit_after_start_finds_its_statements_compiled(
    synced_quizzes, make_user, database_url
):
    agent = make_user("agent")
    started = _start_worker(database_url)
    try:
        client = started.test_client()
        client.post("/login", data={"email": agent.email, "password": PASSWORD})
        page = client.get("/quizzes/service-quiz").get_data(as_text=True)
        token = page.split('name="token" value="', 1)[1].split('"', 1)[0]
        with statements_sent() as sent:
            response = client.post("/quizzes/service-quiz/submit",
                                   data={"token": token, "q-outage": GOOD_REPLY})  # fmt: skip
        assert response.status_code == 302 and "/attempts/" in response.location
        compiled_now = [text for text, cached in sent if not cached]
        # every statement of the submit, its writes included, was compiled at start
        assert compiled_now == [], "\n".join(compiled_now)
    finally:
        with started.app_context():
            db.session.remove()
            db.engine.dispose()


def test_a_worker_starts_when_the_first_agent_has_no_attempt_left(
    synced_quizzes, make_user, database_url
):
    """The rehearsal meets the attempts policy's refusal (a message in the agent's language)
    as a request would, and carries on: the worker starts and its statements are compiled."""
    agent = make_user("agent")
    quiz = db.session.scalar(select(Quiz).where(Quiz.id == "service-quiz"))
    now = clock.now()
    for n in range(5):  # the quiz allows 5
        db.session.add(Attempt(
            user_id=agent.id, quiz_id=quiz.id, quiz_version_id=quiz.current_version_id,
            idempotency_key=f"used-{n}", started_at=now, submitted_at=now, locale="en",
            auto_score=50.0, auto_passed=False, pass_mark=70,
        ))  # fmt: skip
    db.session.commit()
    with statements_sent() as sent:
        started = _start_worker(database_url)
    try:
        texts = [text.lstrip().upper() for text, _cached in sent]
        assert any(text.startswith("INSERT INTO ANSWER") for text in texts), texts
    finally:
        with started.app_context():
            db.session.remove()
            db.engine.dispose()
