"""Attempts through the API: each answer's score and each criterion, the scorer's and the one
in force after a manager's override."""

import pytest
from sqlalchemy import select

from app.extensions import db
from app.quizzes.models import Attempt
from tests.quizzes.conftest import (  # noqa: F401
    GOOD_REPLY,
    POOR_REPLY,
    open_quiz,
    quiz_root,
    submit,
    synced_quizzes,
)


@pytest.fixture
def reviewed(synced_quizzes, client, login, submit, make_user, make_team):  # noqa: F811
    """An agent's role-play attempt, then their manager's override of the apology."""
    manager = make_user("manager")
    agent = make_user("agent", team=make_team(code="care-1", manager=manager), employee_no="AG1")
    login(agent)
    answers = {"q-outage": GOOD_REPLY, "turn-bill": "opening", "q-bill": POOR_REPLY}
    assert submit("service-quiz", answers).status_code == 302
    attempt = db.session.scalars(select(Attempt)).one()
    outage = next(a for a in attempt.answers if a.question_id == "outage")
    client.post("/logout")
    login(manager)
    overridden = client.post(f"/review/answers/{outage.id}",
                             data={"c-apology": "0", "c-empathy": "1", "c-restate": "1",
                                   "c-ask_resolution": "1", "c-commit_action": "1",
                                   "c-thanks": "1", "c-follow_up": "1",
                                   "reason": "The apology was sarcastic"})  # fmt: skip
    assert overridden.status_code == 302
    client.post("/logout")
    return attempt


def test_attempts_with_scores_per_criterion(api, make_token, reviewed):
    secret = make_token("reports:read")
    response = api("GET", "/api/v1/people/AG1/attempts", secret)
    assert response.status_code == 200, response.json
    assert response.json["total"] == 1
    attempt = response.json["items"][0]
    assert (attempt["id"], attempt["quiz"], attempt["overridden"]) == (
        reviewed.id, "service-quiz", True)  # fmt: skip
    assert attempt["automatic_score"] == reviewed.auto_score
    answers = {a["question_id"]: a for a in attempt["answers"]}
    outage = answers["outage"]
    criteria = {c["id"]: c for c in outage["criteria"]}
    assert criteria["apology"]["automatic"] is True and criteria["apology"]["present"] is False
    assert criteria["apology"]["kind"] == "required" and criteria["apology"]["turn"] is None
    assert criteria["policy_speak"]["kind"] == "forbidden"
    assert outage["overridden"] and outage["score"] < outage["automatic_score"]
    stored = next(a for a in reviewed.answers if a.question_id == "outage")
    assert {o["id"] for o in stored.detail["outcomes"]} == set(criteria)
    dialogue = answers["bill"]
    assert dialogue["criteria"] and {c["turn"] for c in dialogue["criteria"]} >= {"opening"}
    assert not dialogue["overridden"] and dialogue["score"] == dialogue["automatic_score"]


def test_everyones_attempts_filter_by_quiz_and_day(api, make_token, reviewed):
    secret = make_token("reports:read")
    assert api("GET", "/api/v1/attempts", secret).json["total"] == 1
    assert api("GET", "/api/v1/attempts?quiz=basics-quiz", secret).json["total"] == 0
    assert api("GET", "/api/v1/attempts?since=2999-01-01", secret).json["total"] == 0
    assert api("GET", "/api/v1/attempts?since=2000-01-01", secret).json["total"] == 1
    wrong = api("GET", "/api/v1/attempts?since=yesterday", secret)
    assert wrong.status_code == 422 and wrong.json["errors"][0]["field"] == "since"
    assert api("GET", "/api/v1/people/NOBODY/attempts", secret).status_code == 404
