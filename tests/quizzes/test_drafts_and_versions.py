"""Typed answers are never thrown away, and a form is marked on the version it showed."""

import re

from sqlalchemy import func, select

from app.content.services import sync_content
from app.extensions import db
from app.quizzes.models import Attempt, Quiz, QuizDraft
from tests.content_tree import write

from .conftest import CLASSIC_QUIZ, GOOD_REPLY, form_token
from .test_attempts import ALL_RIGHT


def _checked(html: str, field_id: str) -> bool:
    tag = re.search(rf'<input[^>]*id="{re.escape(field_id)}"[^>]*>', html)
    return tag is not None and "checked" in tag.group(0)


def test_sending_a_dialogue_turn_keeps_the_other_answers_on_the_server(
    synced_quizzes, client, login_as, open_quiz
):
    login_as("agent")
    token = open_quiz("service-quiz")
    sent = client.post(
        "/quizzes/service-quiz/dialogue/bill",
        data={"token": token, "turn-bill": "opening", "q-bill": "What is the problem?",
              "q-outage": "My typed answer to the outage"},
    )  # fmt: skip
    assert sent.status_code == 200
    # Coming back to the quiz later (a reload, another tab, the next day) shows the answer.
    again = client.get("/quizzes/service-quiz").get_data(as_text=True)
    assert "My typed answer to the outage" in again
    assert "What is the problem?" in again  # the dialogue so far, as before
    # Submitting uses the answers and ends the draft.
    done = client.post("/quizzes/service-quiz/submit", data={
        "token": form_token(again), "turn-bill": "calm", "q-bill": GOOD_REPLY,
        "q-outage": GOOD_REPLY})  # fmt: skip
    assert done.status_code == 302
    assert db.session.scalar(select(func.count(QuizDraft.id))) == 0
    assert "My typed answer" not in client.get("/quizzes/service-quiz").get_data(as_text=True)


def test_save_and_finish_later_restores_every_kind_of_answer(synced_quizzes, client, login_as):
    login_as("agent")
    page = client.get("/quizzes/basics-quiz").get_data(as_text=True)
    assert 'id="save-draft"' in page
    saved = client.post("/quizzes/basics-quiz/draft", data={
        "token": form_token(page), "q-tf": "true", "q-single": "b", "q-multi": ["a", "c"],
        "q-order-act": "2"})  # fmt: skip
    assert saved.status_code == 302
    html = client.get(saved.headers["Location"]).get_data(as_text=True)
    assert "Your answers are saved" in html
    assert _checked(html, "q-tf-true") and _checked(html, "q-single-b")
    assert _checked(html, "q-multi-a") and _checked(html, "q-multi-c")
    assert not _checked(html, "q-multi-b")
    assert re.search(r'<option value="2"\s+selected>', html.split('id="q-order-act"')[1])


def test_a_draft_is_only_shown_to_its_owner(synced_quizzes, client, login_as, make_user):
    login_as("agent")
    page = client.get("/quizzes/service-quiz").get_data(as_text=True)
    client.post("/quizzes/service-quiz/draft",
                data={"token": form_token(page), "q-outage": "private words"})  # fmt: skip
    client.post("/logout")
    login_as("agent")  # somebody else
    assert "private words" not in client.get("/quizzes/service-quiz").get_data(as_text=True)


# The quiz after an author renamed a question and moved the right answer.
CHANGED_QUIZ = (
    CLASSIC_QUIZ.replace("id: single\n", "id: first-step\n")
    .replace('{id: a, text: "Policy"}', '{id: a, text: "An apology", correct: true}')
    .replace('{id: b, text: "An apology", correct: true}', '{id: b, text: "Policy"}')
)


def test_a_form_opened_before_a_content_sync_is_marked_on_the_version_it_showed(
    synced_quizzes, client, login_as
):
    login_as("agent")
    page = client.get("/quizzes/basics-quiz").get_data(as_text=True)
    shown = db.session.get(Quiz, "basics-quiz").current_version_id
    write(synced_quizzes, "quizzes/basics-quiz.yaml", CHANGED_QUIZ)
    sync_content(synced_quizzes)
    db.session.commit()
    assert db.session.get(Quiz, "basics-quiz").current_version_id != shown
    response = client.post(
        "/quizzes/basics-quiz/submit", data={"token": form_token(page), **ALL_RIGHT}
    )
    assert response.status_code == 302
    (attempt,) = db.session.scalars(select(Attempt)).all()
    assert attempt.quiz_version_id == shown
    assert attempt.auto_score == 100 and attempt.auto_passed
    assert client.get(response.headers["Location"]).status_code == 200


def test_a_form_shown_again_after_an_error_keeps_its_version(synced_quizzes, client, login_as):
    login_as("agent")
    page = client.get("/quizzes/service-quiz").get_data(as_text=True)
    write(synced_quizzes, "quizzes/service-quiz.yaml",
          (synced_quizzes / "quizzes/service-quiz.yaml").read_text().replace(
              "id: outage", "id: outage-renamed"))  # fmt: skip
    sync_content(synced_quizzes)
    db.session.commit()
    too_long = client.post("/quizzes/service-quiz/submit",
                           data={"token": form_token(page), "q-outage": "x" * 100_000})  # fmt: skip
    html = too_long.get_data(as_text=True)
    assert too_long.status_code in (413, 422)
    if too_long.status_code == 422:
        assert 'name="q-outage"' in html and 'id="quiz-updated"' in html
    assert db.session.scalar(select(func.count(Attempt.id))) == 0
