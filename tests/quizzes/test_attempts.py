"""Taking quizzes through HTTP: one attempt per form, the attempts policy, bad replies, dialogues."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from app import events
from app.content.services import sync_content
from app.courses.services import CourseLocked
from app.extensions import db
from app.quizzes import services
from app.quizzes.models import Answer, Attempt, DialogueDraft, Quiz, QuizDraft
from tests.content_tree import add_course, write
from tests.html_checks import active_content

from .conftest import GOOD_REPLY

ALL_RIGHT = {
    "q-tf": "true", "q-single": "b", "q-multi": ["a", "c"],
    "q-order-apologise": "1", "q-order-act": "2", "q-order-follow-up": "3",
}  # fmt: skip


def _attempts() -> list[Attempt]:
    return list(db.session.scalars(select(Attempt).order_by(Attempt.id)))


def test_quiz_page_has_labelled_fields_and_no_active_content(synced_quizzes, client, login_as):
    login_as("agent")
    html = client.get("/quizzes/basics-quiz").get_data(as_text=True)
    assert 'name="token"' in html and 'for="q-order-act"' in html
    assert 'id="q-order-act"' in html and "<select" in html  # ordering without JavaScript
    main = html.split('<main id="main"')[1].split("</main>")[0]
    assert active_content(main) == [] and "style=" not in main


def test_submit_grades_and_records_the_quiz_version(synced_quizzes, client, login_as, submit):
    agent = login_as("agent")
    response = submit("basics-quiz", ALL_RIGHT)
    (attempt,) = _attempts()
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/attempts/{attempt.id}")
    assert (attempt.user_id, attempt.auto_score, attempt.auto_passed) == (agent.id, 100, True)
    assert attempt.quiz_version_id == db.session.get(Quiz, "basics-quiz").current_version_id
    assert [a.question_id for a in attempt.answers] == ["tf", "single", "multi", "order"]


def test_wrong_answers_fail_against_the_pass_mark(synced_quizzes, client, login_as, submit):
    login_as("agent")
    submit(
        "basics-quiz", {**ALL_RIGHT, "q-single": "a", "q-order-act": "1", "q-order-apologise": "2"}
    )
    (attempt,) = _attempts()
    assert attempt.auto_score == 50 and not attempt.auto_passed and attempt.pass_mark == 70


def test_double_submit_records_one_attempt_and_shows_the_same_result(
    synced_quizzes, client, login_as, open_quiz, submit
):
    login_as("agent")
    token = open_quiz("basics-quiz")
    first = submit("basics-quiz", ALL_RIGHT, token=token)
    second = submit("basics-quiz", {**ALL_RIGHT, "q-tf": "false"}, token=token)
    assert first.headers["Location"] == second.headers["Location"]
    assert len(_attempts()) == 1 and _attempts()[0].auto_passed


def test_a_forged_token_is_refused(synced_quizzes, client, login_as, submit):
    login_as("agent")
    response = submit("basics-quiz", ALL_RIGHT, token="made-up")
    assert response.status_code == 400 and _attempts() == []
    assert "no longer valid" in response.get_data(as_text=True)


def test_attempts_policy_max_and_wait(app, synced_quizzes, client, login_as, submit, monkeypatch):
    start = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
    monkeypatch.setitem(app.config, "FIXED_NOW", start)
    login_as("agent")
    assert submit("basics-quiz", {}).status_code == 302
    monkeypatch.setitem(app.config, "FIXED_NOW", start + timedelta(minutes=10))
    too_soon = submit("basics-quiz", ALL_RIGHT, token=form_token_of(app))
    assert too_soon.status_code == 409 and "try this quiz again from" in too_soon.get_data(True)
    assert len(_attempts()) == 1
    monkeypatch.setitem(app.config, "FIXED_NOW", start + timedelta(minutes=31))
    assert submit("basics-quiz", ALL_RIGHT).status_code == 302
    monkeypatch.setitem(app.config, "FIXED_NOW", start + timedelta(days=2))
    page = client.get("/quizzes/basics-quiz").get_data(as_text=True)
    assert "You have used all 2 attempts" in page and 'id="quiz-form"' not in page
    assert submit("basics-quiz", ALL_RIGHT, token=form_token_of(app)).status_code == 409
    assert len(_attempts()) == 2


def form_token_of(app) -> str:
    """A valid token even when the page shows no form (the server must still refuse)."""
    from app.people.models import User
    from app.quizzes import services

    with app.test_request_context():
        user = db.session.scalars(select(User)).first()
        return services.issue_token(user, db.session.get(Quiz, "basics-quiz"))


def test_reply_over_the_limit_is_refused_without_an_attempt(
    synced_quizzes, client, login_as, submit
):
    login_as("agent")
    response = submit("service-quiz", {"q-outage": "x" * 5001})
    assert response.status_code == 422
    assert "the limit is 5000" in response.get_data(as_text=True)
    assert _attempts() == []


def test_empty_reply_scores_zero_with_feedback(synced_quizzes, client, login_as, submit):
    login_as("agent")
    response = submit("service-quiz", {"q-outage": ""})
    outage = db.session.scalar(select(Answer).where(Answer.question_id == "outage"))
    assert outage.points == 0 and outage.score == 0
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "No reply was written, so it scores 0" in page


def _quiz_of_a_locked_course(quiz_root) -> Quiz:
    add_course(quiz_root, "talking", tier=2, requires="[basics]", quizzes="[talking-quiz]")
    write(quiz_root, "quizzes/talking-quiz.yaml",
          "id: talking-quiz\ncourse: talking\ntitle: T\npass_mark: 50\nquestions:\n"
          "  - {id: t, type: true_false, prompt: P, answer: true}\n")  # fmt: skip
    sync_content(quiz_root)
    db.session.commit()
    return db.session.get(Quiz, "talking-quiz")


def test_a_quiz_of_a_locked_course_is_refused(app, quiz_root, client, login_as):
    _quiz_of_a_locked_course(quiz_root)
    login_as("agent")
    response = client.get("/quizzes/talking-quiz")
    assert response.status_code == 403 and 'id="locked-explanation"' in response.get_data(True)
    assert client.post("/quizzes/talking-quiz/submit", data={}).status_code == 403


def test_the_quiz_services_refuse_a_locked_course_whoever_calls_them(app, quiz_root, make_user):
    """Not only the pages: a script or another capability calling the services is refused."""
    quiz, agent = _quiz_of_a_locked_course(quiz_root), make_user("agent")
    token, form = services.issue_token(agent, quiz), MultiDict({"q-t": "true"})
    with pytest.raises(CourseLocked) as refused:
        services.submit_attempt(agent, quiz, form, token)
    assert [course.id for course in refused.value.missing] == ["basics"]
    with pytest.raises(CourseLocked):
        services.save_form(agent, quiz, token, form)
    db.session.rollback()
    assert _attempts() == [] and db.session.scalar(select(func.count(QuizDraft.id))) == 0


def test_what_an_attempt_causes_is_in_the_attempts_transaction(synced_quizzes, make_user):
    """attempt_submitted is sent before the commit: when a receiver fails, nothing is kept."""
    quiz, agent = db.session.get(Quiz, "basics-quiz"), make_user("agent")

    def failing_receiver(attempt, **_):
        assert attempt.auto_passed  # the receivers see the recorded, graded attempt
        raise RuntimeError("a receiver failed")

    events.attempt_submitted.connect(failing_receiver)
    try:
        with pytest.raises(RuntimeError, match="a receiver failed"):
            services.submit_attempt(
                agent, quiz, MultiDict(ALL_RIGHT), services.issue_token(agent, quiz)
            )
    finally:
        events.attempt_submitted.disconnect(failing_receiver)
    db.session.rollback()
    assert _attempts() == []


def test_unknown_or_retired_quiz_is_not_found(synced_quizzes, client, login_as):
    login_as("agent")
    assert client.get("/quizzes/no-such-quiz").status_code == 404


def test_dialogue_turn_by_turn_then_submit(synced_quizzes, client, login_as, open_quiz):
    login_as("agent")
    token = open_quiz("service-quiz")
    turn = client.post(
        "/quizzes/service-quiz/dialogue/bill",
        data={"token": token, "turn-bill": "opening", "q-bill": "What is the problem?",
              "q-outage": "kept while the dialogue goes on"},
    )  # fmt: skip
    page = turn.get_data(as_text=True)
    assert turn.status_code == 200 and "You did not even apologise" in page  # escalated
    assert "kept while the dialogue goes on" in page
    resent = client.post("/quizzes/service-quiz/dialogue/bill",
                         data={"token": token, "turn-bill": "opening", "q-bill": "Again"})  # fmt: skip
    assert resent.status_code == 200
    (draft,) = db.session.scalars(select(DialogueDraft)).all()
    assert [r["turn"] for r in draft.replies] == ["opening"]  # the resent turn was ignored
    done = client.post("/quizzes/service-quiz/submit", data={
        "token": token, "turn-bill": "angry", "q-bill": GOOD_REPLY, "q-outage": GOOD_REPLY})  # fmt: skip
    assert done.status_code == 302
    answer = db.session.scalar(select(Answer).where(Answer.question_id == "bill"))
    assert [t["turn"] for t in answer.detail["turns"]] == ["opening", "angry"]
    assert answer.response["answer"][1] == {"turn": "angry", "text": GOOD_REPLY, "served": "en"}
    assert db.session.scalar(select(func.count(DialogueDraft.id))) == 0
    result = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "Turn 2" in result and "I want a manager" in result


@pytest.mark.parametrize("text", ["", "   "])
def test_an_empty_dialogue_turn_is_not_sent(synced_quizzes, client, login_as, open_quiz, text):
    login_as("agent")
    token = open_quiz("service-quiz")
    response = client.post("/quizzes/service-quiz/dialogue/bill",
                           data={"token": token, "turn-bill": "opening", "q-bill": text})  # fmt: skip
    assert response.status_code == 422 and "Write your reply" in response.get_data(True)
    assert db.session.scalar(select(func.count(DialogueDraft.id))) == 0
