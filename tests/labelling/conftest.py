"""Role-play attempts taken and overridden through real HTTP, for the judgements they leave."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.quizzes.models import Answer, Attempt
from tests.conversations import conftest as conversation_fixtures
from tests.quizzes import conftest as quiz_fixtures

# Fixtures of the quiz and conversation tests, used here as they are.
quiz_root = quiz_fixtures.quiz_root
synced_quizzes = quiz_fixtures.synced_quizzes
open_quiz = quiz_fixtures.open_quiz
submit = quiz_fixtures.submit
qa_root = conversation_fixtures.qa_root
synced = conversation_fixtures.synced
team = conversation_fixtures.team
import_json = conversation_fixtures.import_json


@pytest.fixture
def people(make_user, make_team):
    manager = make_user("manager", name_en="Maha Manager", name_ar="مها المديرة")
    team = make_team(code="care-1", manager=manager)
    agent = make_user("agent", team=team)
    return {"manager": manager, "agent": agent, "admin": make_user("admin")}


@pytest.fixture
def relogin(client, login):
    """Sign out whoever is signed in, then sign the user in."""

    def do(user):
        client.post("/logout")
        return login(user)

    return do


@pytest.fixture
def answered(synced_quizzes, relogin, submit, people):
    """The agent submits the role-play quiz; returns the answer to one question."""

    def do(reply: str, question: str = "outage", dialogue_reply: str = "Fine.") -> Answer:
        relogin(people["agent"])
        response = submit("service-quiz", {"q-outage": reply, "turn-bill": "opening",
                                           "q-bill": dialogue_reply})  # fmt: skip
        assert response.status_code == 302
        attempt = db.session.scalars(select(Attempt).order_by(Attempt.id.desc())).first()
        return next(a for a in attempt.answers if a.question_id == question)

    return do


@pytest.fixture
def override(client, relogin, people):
    """The manager overrides an answer as the review form sends it: every criterion with its
    automatic value, except those given in `changes` (criterion key -> bool)."""

    def do(answer: Answer, changes: dict[str, bool], reason: str = "Read it again"):
        relogin(people["manager"])
        keys = _criterion_keys(answer)
        unknown = set(changes) - set(keys)
        assert not unknown, unknown
        flags = {f"c-{k}": "1" if changes.get(k, v) else "0" for k, v in keys.items()}
        response = client.post(f"/review/answers/{answer.id}", data={**flags, "reason": reason})
        assert response.status_code == 302, response.get_data(as_text=True)[:300]

    return do


def _criterion_keys(answer: Answer) -> dict[str, bool]:
    from app.quizzes.review import criterion_keys

    return criterion_keys(answer)
