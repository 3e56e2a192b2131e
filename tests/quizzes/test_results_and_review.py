"""Result pages, flags, the review queue and overrides, through real HTTP."""

import pytest
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.courses.models import CourseCompletion
from app.extensions import db
from app.notifications.models import Notification
from app.quizzes.models import Answer, AnswerFlag, Attempt, ScoreOverride
from app.quizzes.services import passed_quiz_ids
from tests.html_checks import active_content

from .conftest import GOOD_REPLY, POOR_REPLY

XSS_REPLY = "I'm so sorry <script>alert(1)</script> your internet has been down for two days."


@pytest.fixture
def people(make_user, make_team):
    manager = make_user("manager")
    team = make_team(code="care-1", manager=manager)
    other_manager = make_user("manager")
    make_team(code="care-2", manager=other_manager)
    agent = make_user("agent", team=team)
    return {"manager": manager, "other_manager": other_manager, "agent": agent,
            "stranger": make_user("agent"), "hr": make_user("hr")}  # fmt: skip


@pytest.fixture
def login(client, login):
    """Sign out whoever is signed in, then sign the user in."""

    def do(user):
        client.post("/logout")
        return login(user)

    return do


@pytest.fixture
def attempt_by(synced_quizzes, client, login, submit, people):
    """The agent submits the role-play quiz with a reply; returns the attempt."""

    def do(reply: str, dialogue_reply: str = POOR_REPLY) -> Attempt:
        login(people["agent"])
        response = submit("service-quiz", {"q-outage": reply, "turn-bill": "opening",
                                           "q-bill": dialogue_reply})  # fmt: skip
        assert response.status_code == 302
        return db.session.scalars(select(Attempt).order_by(Attempt.id.desc())).first()

    return do


def _main(html: str) -> str:
    return html.split('<main id="main"')[1].split("</main>")[0]


def _outage(attempt: Attempt) -> Answer:
    return next(a for a in attempt.answers if a.question_id == "outage")


def test_result_highlights_matched_words_and_escapes_the_reply(attempt_by, client):
    attempt = attempt_by(XSS_REPLY)
    html = client.get(f"/attempts/{attempt.id}").get_data(as_text=True)
    main = _main(html)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in main
    assert active_content(main) == []
    assert '<mark class="match" data-criteria="apology">sorry</mark>' in main
    assert 'data-criterion="empathy" data-status="missed"' in main


@pytest.mark.parametrize(
    "viewer, status",
    [("agent", 200), ("manager", 200), ("hr", 200), ("other_manager", 404), ("stranger", 404)],
)
def test_result_page_is_for_owner_team_manager_and_hr(attempt_by, client, login, people,
                                                        viewer, status):  # fmt: skip
    attempt = attempt_by(GOOD_REPLY)
    login(people[viewer])
    assert client.get(f"/attempts/{attempt.id}").status_code == status


def test_agent_flags_an_answer_for_review(attempt_by, client, login, people):
    attempt = attempt_by(POOR_REPLY)
    answer = _outage(attempt)
    response = client.post(f"/answers/{answer.id}/flag", data={"reason": "I did apologise"})
    assert response.status_code == 302
    flag = db.session.scalar(select(AnswerFlag))
    assert (flag.answer_id, flag.reason) == (answer.id, "I did apologise")
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "answer_flagged"))
    assert "You asked for a review" in client.get(f"/attempts/{attempt.id}").get_data(True)
    login(people["stranger"])
    assert client.post(f"/answers/{answer.id}/flag", data={"reason": "x"}).status_code == 404


def test_review_queue_shows_only_the_managers_own_agents(attempt_by, client, login, people):
    attempt = attempt_by(POOR_REPLY)
    answer = _outage(attempt)
    client.post(f"/answers/{answer.id}/flag", data={"reason": "Please check"})
    assert client.get("/review").status_code == 403  # agents
    login(people["manager"])
    queue = client.get("/review").get_data(as_text=True)
    assert f'data-answer="{answer.id}"' in queue and "Flagged by the agent" in queue
    assert client.get(f"/review/answers/{answer.id}").status_code == 200
    login(people["other_manager"])
    assert f'data-answer="{answer.id}"' not in client.get("/review").get_data(as_text=True)
    assert client.get(f"/review/answers/{answer.id}").status_code == 404
    assert client.post(f"/review/answers/{answer.id}", data={"reason": "x"}).status_code == 404


def _frozen(attempt: Attempt) -> tuple:
    db.session.expire_all()
    row = db.session.get(Attempt, attempt.id)
    answers = [(a.id, a.points, a.score, a.detail, a.response) for a in row.answers]
    return (row.auto_score, row.auto_passed, row.submitted_at, answers)


def test_override_is_kept_beside_the_automatic_score(attempt_by, client, login, people):
    attempt = attempt_by(POOR_REPLY)
    before = _frozen(attempt)
    answer = _outage(attempt)
    login(people["manager"])
    response = client.post(f"/review/answers/{answer.id}",
                           data={"total": "90", "reason": "Good call handling in context"})  # fmt: skip
    assert response.status_code == 302
    assert _frozen(attempt) == before  # the attempt and its answers are untouched
    row = db.session.scalar(select(ScoreOverride))
    assert (row.answer_id, row.answer_score, row.manager_id) == (
        answer.id,
        90,
        people["manager"].id,
    )
    audit = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "score_overridden"))
    assert audit.before["answer_score"] == answer.score and audit.after["answer_score"] == 90
    assert audit.reason == "Good call handling in context"
    note = db.session.scalar(select(Notification).where(Notification.user_id == people["agent"].id))
    assert note.kind == "score_overridden" and note.link == f"/attempts/{attempt.id}"
    login(people["agent"])
    page = client.get(f"/attempts/{attempt.id}").get_data(as_text=True)
    assert 'id="automatic-score"' in page and 'id="reviewed-score"' in page
    assert "Good call handling in context" in page


def test_the_audit_log_names_the_overridden_attempt_and_answer(attempt_by, client, login,
                                                               people):  # fmt: skip
    attempt = attempt_by(POOR_REPLY)
    answer = _outage(attempt)
    client.post(f"/answers/{answer.id}/flag", data={"reason": "My reply was fine"})
    login(people["manager"])
    client.post(f"/review/answers/{answer.id}", data={"total": "90", "reason": "In context"})
    login(people["hr"])
    html = client.get("/admin/audit").get_data(as_text=True)
    named = f"Question 1 of Service quiz by {people['agent'].name_en}"
    overridden = html.split('data-action="score_overridden"')[1].split("</tr>")[0]
    assert f"Attempt <bdi>Service quiz by {people['agent'].name_en}</bdi>" in overridden
    assert f"Answer: <bdi>{named}</bdi> → <bdi>{named}</bdi>" in overridden
    flagged = html.split('data-action="answer_flagged"')[1].split("</tr>")[0]
    assert f"Answer <bdi>{named}</bdi>" in flagged
    assert f"<bdi>{answer.id}</bdi>" not in overridden + flagged


def test_override_needs_a_reason(attempt_by, client, login, people):
    answer = _outage(attempt_by(POOR_REPLY))
    login(people["manager"])
    assert client.post(f"/review/answers/{answer.id}", data={"total": "90"}).status_code == 422
    assert db.session.scalar(select(ScoreOverride)) is None


def test_override_per_criterion_recomputes_the_answer(attempt_by, client, login, people):
    answer = _outage(attempt_by(POOR_REPLY))
    login(people["manager"])
    flags = {f"c-{o['id']}": "1" if o["kind"] == "required" else "0"
             for o in answer.detail["outcomes"]}  # fmt: skip
    client.post(f"/review/answers/{answer.id}", data={**flags, "reason": "All there"})
    row = db.session.scalar(select(ScoreOverride))
    assert row.answer_score == 100 and all(row.criteria[k] for k in ("apology", "thanks"))


def test_override_to_pass_completes_the_course(attempt_by, client, login, people):
    login(people["agent"])
    for slug in ("first", "second"):
        client.post(f"/courses/service/lessons/{slug}/done")
    attempt = attempt_by(POOR_REPLY)
    assert not attempt.auto_passed
    agent_id = people["agent"].id
    assert "service-quiz" not in passed_quiz_ids([agent_id])[agent_id]
    login(people["manager"])
    outage = _outage(attempt)
    client.post(f"/review/answers/{outage.id}", data={"total": "100", "reason": "Fine"})
    bill = next(a for a in attempt.answers if a.question_id == "bill")
    client.post(f"/review/answers/{bill.id}", data={"total": "100", "reason": "Fine too"})
    latest = db.session.scalars(select(ScoreOverride).order_by(ScoreOverride.id.desc())).first()
    assert latest.score == 100 and latest.passed
    assert "service-quiz" in passed_quiz_ids([agent_id])[agent_id]
    done = db.session.scalar(select(CourseCompletion).where(CourseCompletion.user_id == agent_id))
    assert done is not None and done.course_id == "service"


def test_reviewed_answer_leaves_the_queue(attempt_by, client, login, people):
    answer = _outage(attempt_by(POOR_REPLY))
    client.post(f"/answers/{answer.id}/flag", data={"reason": "Please check"})
    login(people["manager"])
    client.post(f"/review/answers/{answer.id}", data={"total": "40", "reason": "Score stands"})
    assert f'data-answer="{answer.id}"' not in client.get("/review").get_data(as_text=True)


def test_answers_near_the_pass_mark_wait_for_review(app, quiz_root, client, login, people):
    from app.content.services import sync_content
    from tests.content_tree import write

    from .conftest import ROLEPLAY_QUIZ

    # a reply that scores 0 sits within 10 points of a pass mark of 5
    write(quiz_root, "quizzes/service-quiz.yaml",
          ROLEPLAY_QUIZ.replace("    points: 4\n", "    points: 4\n    pass_mark: 5\n"))  # fmt: skip
    sync_content(quiz_root)
    db.session.commit()
    login(people["agent"])
    page = client.get("/quizzes/service-quiz").get_data(as_text=True)
    token = page.split('name="token" value="')[1].split('"')[0]
    client.post("/quizzes/service-quiz/submit", data={"token": token, "q-outage": ""})
    answer = db.session.scalar(select(Answer).where(Answer.question_id == "outage"))
    assert (answer.score, answer.pass_mark) == (0, 5)
    login(people["manager"])
    queue = client.get("/review").get_data(as_text=True)
    assert f'data-answer="{answer.id}"' in queue and "Near the pass mark" in queue


def test_arabic_page_gives_advice_in_the_language_the_reply_was_written_in(
    synced_quizzes, client, make_user, login, submit
):
    """An English role-play on an Arabic page: the page is right to left, and the advice, with
    its example wording, is the English one (an Arabic example would not fit the reply)."""
    agent = make_user("agent", locale="ar")
    login(agent)
    response = submit("service-quiz", {"q-outage": GOOD_REPLY})
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'dir="rtl"' in html
    answer = db.session.scalar(select(Answer).where(Answer.question_id == "outage"))
    apology = next(o for o in answer.detail["outcomes"] if o["id"] == "apology")
    assert f'lang="en" dir="auto">{apology["advice"]["en"]}' in html.replace("&#39;", "'")
    assert apology["advice"]["ar"] not in html
    assert apology["clause"] and apology["clause"] in html.replace("&#39;", "'")


def test_a_flag_reason_with_a_direction_override_is_refused(attempt_by, client):
    attempt = attempt_by(POOR_REPLY)
    answer = _outage(attempt)
    response = client.post(
        f"/answers/{answer.id}/flag", data={"reason": "I did \u202eesigolopa\u202c"}
    )
    assert response.status_code == 302
    assert db.session.scalar(select(AnswerFlag)) is None
    assert "RIGHT-TO-LEFT OVERRIDE" in client.get(response.headers["Location"]).get_data(True)
