"""A worker's start rehearses a role-play submit in a transaction it rolls back: the first real
submit finds its statements compiled, and nothing the rehearsal wrote stays."""

from __future__ import annotations

import logging
import threading
from contextlib import contextmanager

from sqlalchemy import event, func, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from app import clock, create_app
from app.extensions import db
from app.page_cache.models import DataGeneration
from app.people.models import User
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


def test_a_worker_starting_while_another_commits_still_rehearses(
    synced_quizzes, make_user, database_url, caplog
):
    """Another worker commits (a sign-in, a lesson marked done) while this one rehearses: the
    rehearsal still runs to its end. Begun as a plain read on SQLite, its first write found
    the database changed since and failed at once ("database is locked"); it now takes the
    write lock first, as a request that writes does, and the other write waits its turn."""
    make_user("agent")
    other_id = make_user("manager").id
    engine, competing = db.engine, []

    def commit_elsewhere(_conn, _cursor, statement, _parameters, _context, _executemany):
        # once, right after the rehearsal's first statement (it looks for the first agent)
        if competing or "ORDER BY user.id" not in statement.replace('"', ""):
            return
        competing.append("started")

        def write():
            with engine.connect() as connection:
                if connection.dialect.name == "sqlite":  # wait briefly, not 15 s, for the lock
                    connection.exec_driver_sql("PRAGMA busy_timeout = 200")
                try:
                    connection.execute(
                        update(User).where(User.id == other_id).values(name_en="Renamed")
                    )
                    connection.commit()
                    competing.append("committed")
                except OperationalError:
                    competing.append("waited for the rehearsal")

        thread = threading.Thread(target=write)
        thread.start()
        thread.join()

    event.listen(Engine, "after_cursor_execute", commit_elsewhere)
    try:
        with caplog.at_level(logging.WARNING):
            started = _start_worker(database_url)
    finally:
        event.remove(Engine, "after_cursor_execute", commit_elsewhere)
    try:
        assert competing[0] == "started" and len(competing) == 2
        assert "submit rehearsal at start failed" not in caplog.text
    finally:
        with started.app_context():
            db.session.remove()
            db.engine.dispose()
