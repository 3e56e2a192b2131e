"""The result page a learner can act on: the outcome first (score, passed or not, what went
well, the few things to do next time with an example), the criterion table folded below,
true/false marks that agree with their explanation, when the next attempt opens, and no bare
scorer figures."""

import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.quizzes.models import Answer, Attempt
from tests.content_tree import write

from .conftest import GOOD_REPLY, POOR_REPLY


def _main(html: str) -> str:
    return html.split('<main id="main"')[1].split("</main>")[0]


def _result(client, response) -> str:
    assert response.status_code == 302, response.status_code
    return _main(client.get(response.headers["Location"]).get_data(as_text=True))


def _items(html: str, block_id: str) -> list[str]:
    if f'id="{block_id}"' not in html:
        return []
    block = html.split(f'id="{block_id}"')[1].split("</div>")[0]
    return [
        re.sub(r"<[^>]+>", "", item).strip() for item in re.findall(r"<li.*?</li>", block, re.S)
    ]


def test_the_outcome_leads_and_the_criteria_follow_folded(synced_quizzes, client, login_as, submit):
    login_as("agent", locale="en")
    reply = "I'm so sorry your internet has been down for two days."
    html = _result(client, submit("service-quiz", {"q-outage": reply, "turn-bill": "opening",
                                                   "q-bill": "I'm sorry about your bill."}))  # fmt: skip
    assert html.index('id="outcome"') < html.index('id="answer-')
    outcome = html.split('id="outcome"')[1].split("<section")[0]
    assert "Not passed" in outcome
    assert "Apology" in _items(html, "done-well")
    steps = _items(html, "next-time")
    assert 2 <= len(steps) <= 3, steps
    # the steps are drawn from every reply of the attempt: the role-play's and the dialogue's turns
    replies = []
    for answer in db.session.scalars(select(Answer)):
        replies += answer.detail.get("turns") or [answer.detail]
    missed = [o for reply in replies for o in reply["outcomes"] if o["status"] == "missed"]
    # each thing to do next time names a criterion missed and gives its advice, example included
    first = next(o for o in missed if o["title"]["en"] in steps[0])
    assert first["advice"]["en"].replace("'", "&#39;") in html.replace("&#34;", '"')
    assert re.search(
        r'<details class="criteria-details">\s*<summary>[^<]*</summary>\s*<table', html
    )


def test_arabic_learners_read_the_next_steps_in_arabic(synced_quizzes, client, login_as, submit):
    login_as("agent", locale="ar")
    html = _result(client, submit("service-quiz", {"q-outage": POOR_REPLY}))
    steps = _items(html, "next-time")
    assert steps and all(re.search("[\u0600-\u06ff]", s) for s in steps), steps
    assert "ما أحسنت فيه" not in html  # nothing was done well in "restart your router"


def test_a_dialogue_and_the_reply_criteria_count_once(synced_quizzes, client, login_as, submit):
    login_as("agent", locale="en")
    html = _result(client, submit("service-quiz", {"q-outage": GOOD_REPLY,
                                                   "turn-bill": "opening", "q-bill": POOR_REPLY}))  # fmt: skip
    steps = _items(html, "next-time")
    assert len(steps) == len(set(steps)) and len(steps) <= 3
    # met in the reply, missed in the conversation: a thing to do next time, not a strength
    assert steps and not _items(html, "done-well")


def test_a_true_false_mark_never_contradicts_its_explanation(app, quiz_root, client, login_as,
                                                             submit):  # fmt: skip
    from app.content.services import sync_content

    write(
        quiz_root,
        "quizzes/basics-quiz.yaml",
        """
        id: basics-quiz
        course: basics
        title: "Basics quiz"
        pass_mark: 70
        questions:
          - id: tf
            type: true_false
            prompt: "A late call can wait until the morning."
            answer: false
            explanation: "A late call deserves the same full answer."
    """,
    )
    sync_content(quiz_root)
    db.session.commit()
    login_as("agent", locale="en")
    html = _result(client, submit("basics-quiz", {"q-tf": "false"}))
    section = html.split('<section class="card')[1]
    assert "✓ Your answer is correct." in section and "The statement is false." in section
    assert "Why:</span> <bdi>A late call deserves" in section


def test_an_explanation_that_opens_with_a_verdict_is_refused(quiz_root):
    from app.content.services import check_content

    write(
        quiz_root,
        "quizzes/basics-quiz.yaml",
        """
        id: basics-quiz
        course: basics
        title: "Basics quiz"
        pass_mark: 70
        questions:
          - id: tf
            type: true_false
            prompt: "A late call can wait."
            answer: false
            explanation: {ar: "خطأ. المكالمة المتأخرة تستحق الجواب نفسه.", en: "It deserves an answer."}
    """,
    )
    _, problems = check_content(quiz_root)
    assert any(
        str(p).startswith("quizzes/basics-quiz.yaml:10: questions[0].explanation: do not open "
                          "with True or False")
        for p in problems
    ), problems  # fmt: skip


@pytest.mark.parametrize("locale, opens", [("en", "The next attempt opens on"),
                                           ("ar", "تُتاح المحاولة التالية في")])  # fmt: skip
def test_a_failed_result_says_when_the_next_attempt_opens(synced_quizzes, client, login_as,
                                                          submit, locale, opens):  # fmt: skip
    login_as("agent", locale=locale)
    html = _result(client, submit("basics-quiz", {"q-tf": "false"}))
    note = html.split('id="next-attempt"')[1].split("</p>")[0]
    assert opens in note
    attempt = db.session.scalars(select(Attempt)).one()
    assert not attempt.auto_passed


def test_a_result_with_no_attempt_left_says_so(synced_quizzes, client, login_as, submit):
    login_as("agent", locale="en")
    submit("basics-quiz", {"q-tf": "false"})
    first = db.session.scalars(select(Attempt)).one()
    first.submitted_at = first.submitted_at.replace(year=first.submitted_at.year - 1)
    db.session.commit()
    html = _result(client, submit("basics-quiz", {"q-tf": "false"}))
    assert "No attempt is left: all 2 attempts have been used." in html


def test_a_passed_result_says_nothing_about_the_next_attempt(synced_quizzes, client, login_as,
                                                             submit):  # fmt: skip
    login_as("agent", locale="en")
    answers = {"q-tf": "true", "q-single": "b", "q-multi": ["a", "c"], "q-order-apologise": "1",
               "q-order-act": "2", "q-order-follow-up": "3"}  # fmt: skip
    html = _result(client, submit("basics-quiz", answers))
    assert "Passed" in html and 'id="next-attempt"' not in html
    assert "4 of 4 questions answered correctly." in html


def test_breadcrumbs_name_the_course(synced_quizzes, client, login_as, submit):
    login_as("agent", locale="en")
    take = client.get("/quizzes/basics-quiz").get_data(as_text=True)
    crumbs = take.split('class="breadcrumb"')[1].split("</ol>")[0]
    assert "Course basics" in crumbs and ">Course<" not in crumbs
    html = _result(client, submit("basics-quiz", {"q-tf": "true"}))
    assert "Course basics" in html.split('class="breadcrumb"')[1].split("</ol>")[0]


def test_no_bare_confidence_figure_for_reviewers(synced_quizzes, client, login, make_user,
                                                 make_team, submit):  # fmt: skip
    manager = make_user("manager")
    agent = make_user("agent", team=make_team(code="care-1", manager=manager))
    login(agent)
    submit("service-quiz", {"q-outage": "Sorry."})
    answer = db.session.scalar(select(Answer).where(Answer.question_id == "outage"))
    client.post("/logout")
    login(manager)
    page = _main(client.get(f"/review/answers/{answer.id}").get_data(as_text=True))
    figure = f"{answer.confidence}"
    assert f"({figure})" not in page and f"confidence {figure}" not in page
    assert "the scorer was" in page
