"""Quiz content for the quiz tests: the small content tree plus a course with role-plays that
use the real complaint-handling rubric, and helpers that take quizzes through real HTTP."""

from __future__ import annotations

import re
import shutil

import pytest

from app.content.services import sync_content
from app.extensions import db
from tests.conftest import REPO_ROOT
from tests.content_tree import add_course, write
from tests.query_counter import reads_of

CLASSIC_QUIZ = """
id: basics-quiz
course: basics
title: {ar: "اختبار الأساسيات", en: "Basics quiz"}
pass_mark: 70
attempts: {max: 2, wait_minutes: 30}
questions:
  - id: tf
    type: true_false
    prompt: "We apologise even when the fault is not ours."
    answer: true
  - id: single
    type: single_choice
    prompt: "What comes first?"
    choices:
      - {id: a, text: "Policy"}
      - {id: b, text: "An apology", correct: true}
  - id: multi
    type: multiple_choice
    prompt: "Which phrases do you avoid?"
    choices:
      - {id: a, text: "According to policy", correct: true}
      - {id: b, text: "Thank you", correct: false}
      - {id: c, text: "I'll transfer you", correct: true}
  - id: order
    type: ordering
    prompt: "Put the steps in order."
    items:
      - {id: apologise, text: "Apologise"}
      - {id: act, text: "Act"}
      - {id: follow-up, text: "Follow up"}
"""

ROLEPLAY_QUIZ = """
id: service-quiz
course: service
title: {ar: "اختبار الخدمة", en: "Service quiz"}
pass_mark: 70
attempts: {max: 5, wait_minutes: 0}
questions:
  - id: outage
    type: roleplay
    language: en
    prompt: "Reply to the customer."
    customer: "My internet has been down for two days and nobody called me back!"
    rubric: complaint-handling
    key_points:
      - [internet down, no internet, internet outage]
      - [two days, 2 days]
    points: 4
    examples:
      - text: "I'm so sorry your internet has been down for two days. I will send a technician today."
        criteria: [apology, restate, commit_action]
        violations: []
  - id: bill
    type: roleplay_dialogue
    language: en
    rubric: complaint-handling
    turns:
      - id: opening
        customer: "My bill is double this month!"
        key_points: [[bill, invoice], [double, twice]]
        branches:
          - {if_missed: [apology], goto: angry}
          - {goto: calm}
      - id: angry
        customer: "You did not even apologise. I want a manager."
        key_points: [[manager]]
      - id: calm
        customer: "OK. What happens now?"
        key_points: [[what happens now]]
"""

GOOD_REPLY = (
    "I'm so sorry your internet has been down for two days, that must be really frustrating. "
    "I will send a technician today and I'll call you tomorrow to check it's fixed. "
    "Would you prefer a morning or afternoon visit? Thank you for your patience."
)
POOR_REPLY = "Please restart your router."


@pytest.fixture
def quiz_root(content_root):
    """The small content tree with the classic quiz and a tier-1 course of role-plays."""
    rubric = REPO_ROOT / "quizzes" / "rubrics" / "complaint-handling.yaml"
    (content_root / "quizzes" / "rubrics").mkdir(parents=True, exist_ok=True)
    shutil.copy(rubric, content_root / "quizzes" / "rubrics" / rubric.name)
    write(content_root, "quizzes/basics-quiz.yaml", CLASSIC_QUIZ)
    add_course(content_root, "service", quizzes="[service-quiz]")
    write(content_root, "quizzes/service-quiz.yaml", ROLEPLAY_QUIZ)
    return content_root


@pytest.fixture
def synced_quizzes(app, quiz_root):
    sync_content(quiz_root)
    db.session.commit()
    return quiz_root


def definition_reads(action) -> tuple[int, object]:
    """How many statements read a quiz version's stored definition while `action()` ran, and its
    result; the session is emptied first, as a request served by a worker starts with nothing
    loaded."""
    db.session.remove()
    return reads_of(db.engine, "quiz_version.definition", action)


def form_token(html: str) -> str:
    match = re.search(r'name="token" value="([^"]+)"', html)
    assert match, "the quiz page has no token"
    return match.group(1)


@pytest.fixture
def open_quiz(client):
    """GET the quiz page and return its form token."""

    def do(quiz_id: str) -> str:
        response = client.get(f"/quizzes/{quiz_id}")
        assert response.status_code == 200, response.status_code
        return form_token(response.get_data(as_text=True))

    return do


@pytest.fixture
def submit(client, open_quiz):
    """Open a quiz and submit answers (a dict of form fields); returns the response."""

    def do(quiz_id: str, answers: dict, token: str | None = None):
        token = token or open_quiz(quiz_id)
        return client.post(f"/quizzes/{quiz_id}/submit", data={"token": token, **answers})

    return do
