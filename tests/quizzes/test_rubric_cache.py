"""Rubrics are compiled once per quiz version and process: at app start for the quizzes on
offer, never again for later answers, and afresh for a new version of a quiz."""

from __future__ import annotations

import cProfile
import pstats

import pytest
from sqlalchemy import select

from app import create_app
from app.content.services import sync_content
from app.extensions import db
from app.quizzes import rubrics, versions
from app.quizzes.models import Answer, Quiz
from app.quizzes.versions import view_version
from tests.conftest import PASSWORD, make_config
from tests.quizzes.conftest import GOOD_REPLY, definition_reads

COMPILING = {"from_mapping", "for_question"}  # compiling a rubric; binding it to a question


def _compiles(action) -> dict[str, int]:
    """How often a rubric was compiled and bound while `action()` ran, as a profiler saw it."""
    profile = cProfile.Profile()
    profile.enable()
    result = action()
    profile.disable()
    counts = dict.fromkeys(COMPILING, 0)
    for (_file, _line, name), row in pstats.Stats(profile).stats.items():
        if name in counts:
            counts[name] += row[1]
    return counts, result


@pytest.fixture
def new_process():
    """Forget what this process compiled, as a newly started worker would not have it."""
    versions._CACHE.clear()
    rubrics._compiled.cache_clear()
    yield
    versions._CACHE.clear()


def _outage(response) -> Answer:
    assert response.status_code == 302 and "/attempts/" in response.location
    attempt_id = int(response.location.rsplit("/", 1)[1])
    return db.session.scalar(select(Answer).where(
        Answer.attempt_id == attempt_id, Answer.question_id == "outage"
    ))  # fmt: skip


def _outcome(answer: Answer, criterion: str) -> dict:
    return next(o for o in answer.detail["outcomes"] if o["id"] == criterion)


def test_answers_to_one_version_share_its_compiled_rubric(
    synced_quizzes, new_process, login_as, submit
):
    login_as("agent")
    first = _outage(submit("service-quiz", {"q-outage": GOOD_REPLY}))
    view = view_version(db.session.get(Quiz, "service-quiz").current_version)
    compiled, bound = view.compiled["complaint-handling"], view.bound[("outage", "en")]

    counts, response = _compiles(lambda: submit("service-quiz", {"q-outage": GOOD_REPLY}))
    second = _outage(response)
    assert counts == dict.fromkeys(COMPILING, 0)
    assert view.compiled["complaint-handling"] is compiled
    assert view.bound[("outage", "en")] is bound
    assert second.score == first.score and second.detail["outcomes"] == first.detail["outcomes"]


def test_a_new_version_of_a_quiz_compiles_anew(synced_quizzes, new_process, login_as, submit):
    login_as("agent")
    before = _outage(submit("service-quiz", {"q-outage": GOOD_REPLY}))
    old_view = view_version(db.session.get(Quiz, "service-quiz").current_version)
    quiz_file = synced_quizzes / "quizzes" / "service-quiz.yaml"
    text = quiz_file.read_text(encoding="utf-8")
    changed = text.replace("[internet down, no internet, internet outage]", "[router, modem]")
    rubric_file = synced_quizzes / "quizzes" / "rubrics" / "complaint-handling.yaml"
    rubric_file.write_text(
        rubric_file.read_text(encoding="utf-8").replace("weight: 15", "weight: 16", 1),
        encoding="utf-8",
    )
    quiz_file.write_text(changed, encoding="utf-8")
    sync_content(synced_quizzes)
    db.session.commit()

    counts, response = _compiles(lambda: submit("service-quiz", {"q-outage": GOOD_REPLY}))
    after = _outage(response)
    # the sync checked the new rubric and compiled it in this process; binding is new
    assert counts["for_question"] > 0
    new_view = view_version(db.session.get(Quiz, "service-quiz").current_version)
    assert new_view.bound[("outage", "en")] is not old_view.bound[("outage", "en")]
    assert new_view.compiled["complaint-handling"] is not old_view.compiled["complaint-handling"]
    assert (_outcome(before, "apology")["weight"], _outcome(after, "apology")["weight"]) == (15, 16)
    assert after.attempt.quiz_version_id != before.attempt.quiz_version_id


def _definition_reads(action) -> int:
    reads, response = definition_reads(action)
    assert response.status_code in (200, 302)
    return reads


def test_a_parsed_version_is_not_read_again_from_the_database(
    synced_quizzes, new_process, login_as, submit, client
):
    """A quiz's stored definition (its rubrics included: up to 170 KB of JSON) is read once per
    process and version; the quiz page and a submit after that read only the version's digest."""
    login_as("agent")
    assert _definition_reads(lambda: client.get("/quizzes/service-quiz")) == 1
    assert _definition_reads(lambda: client.get("/quizzes/service-quiz")) == 0
    reads = _definition_reads(lambda: submit("service-quiz", {"q-outage": GOOD_REPLY}))
    assert reads == 0
    versions._CACHE.clear()  # a new worker
    assert _definition_reads(lambda: client.get("/quizzes/service-quiz")) == 1


def test_the_first_submit_after_start_compiles_nothing(
    synced_quizzes, new_process, database_url, make_user
):
    agent = make_user("agent")
    started = create_app(make_config(database_url, RUBRIC_WARMUP=True))
    try:
        view = view_version(db.session.get(Quiz, "service-quiz").current_version)
        # both languages a reply may be written in, the dialogue's turns too
        assert {("outage", "ar"), ("outage", "en"), ("bill", "calm", "ar")} <= set(view.bound)
        client = started.test_client()
        client.post("/login", data={"email": agent.email, "password": PASSWORD})
        page = client.get("/quizzes/service-quiz").get_data(as_text=True)
        token = page.split('name="token" value="', 1)[1].split('"', 1)[0]
        counts, response = _compiles(lambda: client.post(
            "/quizzes/service-quiz/submit", data={"token": token, "q-outage": GOOD_REPLY}
        ))  # fmt: skip
        assert counts == dict.fromkeys(COMPILING, 0)
        db.session.rollback()  # see what the other app wrote
        assert _outcome(_outage(response), "restate")["present"]
    finally:
        with started.app_context():
            db.session.remove()
            db.engine.dispose()


def test_an_app_starts_on_a_database_without_tables(tmp_path):
    """Before `flask db upgrade` there is nothing to prepare, and the app still starts."""
    url = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    started = create_app(make_config(url, RUBRIC_WARMUP=True))
    assert started.test_client().get("/health").status_code == 200
    with started.app_context():
        db.engine.dispose()
