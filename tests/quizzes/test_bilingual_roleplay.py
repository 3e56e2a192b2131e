"""Role-plays written in both languages: each agent is served the customer in their own
language, a reply is scored in the language it is written in, and the attempt keeps what was
served so the result shows the same message. Quiz files name every mistake in the two-language
form at its file, line and field."""

import re

import pytest
from sqlalchemy import select

from app.content.services import check_content, sync_content
from app.extensions import db
from app.quizzes.models import Answer, DialogueDraft
from tests.content_tree import write

BILINGUAL_QUIZ = """
id: service-quiz
course: service
title: {ar: "اختبار الخدمة", en: "Service quiz"}
pass_mark: 70
attempts: {max: 5, wait_minutes: 0}
questions:
  - id: outage
    type: roleplay
    prompt: {ar: "ردّ على العميل.", en: "Reply to the customer."}
    customer:
      ar: "الإنترنت مقطوع عندي من يومين وما أحد رجع لي!"
      en: "My internet has been down for two days and nobody called me back!"
    rubric: complaint-handling
    key_points:
      ar:
        - [الإنترنت مقطوع, انقطاع الإنترنت, النت مقطوع]
        - [يومين, منذ يومين]
      en:
        - [internet down, no internet, internet outage]
        - [two days, 2 days]
    points: 4
  - id: bill
    type: roleplay_dialogue
    rubric: complaint-handling
    turns:
      - id: opening
        customer:
          ar: "فاتورتي هذا الشهر ضعف المعتاد!"
          en: "My bill is double this month!"
        key_points:
          ar: [[الفاتورة, فاتورتك], [ضعف, الضعف]]
          en: [[bill, invoice], [double, twice]]
        branches:
          - {if_missed: [apology], goto: angry}
          - {goto: calm}
      - id: angry
        customer:
          ar: "حتى ما اعتذرت. أبي أكلم المدير."
          en: "You did not even apologise. I want a manager."
        key_points: {ar: [[المدير]], en: [[manager]]}
      - id: calm
        customer: {ar: "طيب، وش اللي بيصير الحين؟", en: "OK. What happens now?"}
        key_points: {ar: [[وش بيصير]], en: [[what happens now]]}
"""

ENGLISH_REPLY = (
    "I'm so sorry your internet has been down for two days. I will send a technician today."
)
ARABIC_REPLY = "أعتذر لك، النت مقطوع عندك من يومين. سأرسل لك فنيًا اليوم."


@pytest.fixture
def bilingual(app, quiz_root):
    write(quiz_root, "quizzes/service-quiz.yaml", BILINGUAL_QUIZ)
    sync_content(quiz_root)
    db.session.commit()
    return quiz_root


def _page(client, quiz_id="service-quiz") -> str:
    response = client.get(f"/quizzes/{quiz_id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _customer_blocks(html: str) -> list[tuple[str, str]]:
    """(lang, text) of every customer message on a page."""
    found = re.findall(
        r'<blockquote [^>]*lang="(\w+)" dir="auto"><span aria-hidden="true">🗣</span> (.*?)</blockquote>',
        html,
        flags=re.S,
    )
    return [(lang, text.strip()) for lang, text in found]


@pytest.mark.parametrize(
    "locale, message",
    [("ar", "الإنترنت مقطوع عندي من يومين وما أحد رجع لي!"),
     ("en", "My internet has been down for two days and nobody called me back!")],
)  # fmt: skip
def test_each_agent_meets_the_customer_in_their_own_language(
    bilingual, client, login_as, locale, message
):
    login_as("agent", locale=locale)
    blocks = _customer_blocks(_page(client))
    assert (locale, message.replace("'", "&#39;")) in blocks
    other = "en" if locale == "ar" else "ar"
    assert all(lang == locale for lang, _ in blocks), f"{other} message served: {blocks}"


def test_the_reply_box_and_the_message_follow_their_own_direction(bilingual, client, login_as):
    login_as("agent", locale="ar")
    html = _page(client)
    box = re.search(r'<textarea [^>]*name="q-outage"[^>]*>', html).group()
    assert 'dir="auto"' in box
    # the screen-reader label stays outside the message, so the message's first letter sets
    # its direction (an English message on an Arabic page keeps its full stop at its end)
    assert re.search(r"<figcaption[^>]*>[^<]*</figcaption>\s*<blockquote [^>]*dir=\"auto\">", html)


def test_an_arabic_agent_answering_in_english_is_scored_in_english(
    bilingual, client, login_as, submit
):
    login_as("agent", locale="ar")
    response = submit("service-quiz", {"q-outage": ENGLISH_REPLY})
    assert response.status_code == 302
    answer = db.session.scalar(select(Answer).where(Answer.question_id == "outage"))
    assert answer.detail["served"] == "ar"
    assert answer.detail["language"] == "en"  # scored in the reply's language...
    restate = next(o for o in answer.detail["outcomes"] if o["id"] == "restate")
    assert restate["present"]  # ...with the English key points
    result = client.get(response.headers["Location"]).get_data(as_text=True)
    # the result shows the customer as they were served, whatever the page's language now
    assert ("ar", "الإنترنت مقطوع عندي من يومين وما أحد رجع لي!") in _customer_blocks(result)


def test_an_english_agent_answering_in_arabic_is_scored_with_the_arabic_points(
    bilingual, client, login_as, submit
):
    login_as("agent", locale="en")
    submit("service-quiz", {"q-outage": ARABIC_REPLY})
    answer = db.session.scalar(select(Answer).where(Answer.question_id == "outage"))
    assert (answer.detail["served"], answer.detail["language"]) == ("en", "ar")
    restate = next(o for o in answer.detail["outcomes"] if o["id"] == "restate")
    assert restate["present"], restate
    assert "يومين" in " ".join(restate["matched"])


def test_a_dialogue_is_served_turn_by_turn_in_the_agents_language(
    bilingual, client, login_as, open_quiz
):
    agent = login_as("agent", locale="ar")
    token = open_quiz("service-quiz")
    page = client.post(
        "/quizzes/service-quiz/dialogue/bill",
        data={"token": token, "turn-bill": "opening", "q-bill": "ما المشكلة؟"},
    ).get_data(as_text=True)
    assert ("ar", "حتى ما اعتذرت. أبي أكلم المدير.") in _customer_blocks(page)
    (draft,) = db.session.scalars(select(DialogueDraft)).all()
    assert draft.replies == [{"turn": "opening", "text": "ما المشكلة؟", "served": "ar"}]
    # the agent switches to English half way: the turn already answered keeps what was served
    agent.locale = "en"
    db.session.commit()
    done = client.post("/quizzes/service-quiz/submit", data={
        "token": token, "turn-bill": "angry", "q-bill": "I'm sorry. I will call the manager now."})  # fmt: skip
    answer = db.session.scalar(select(Answer).where(Answer.question_id == "bill"))
    turns = answer.detail["turns"]
    assert [(t["turn"], t["served"], t["language"]) for t in turns] == [
        ("opening", "ar", "ar"), ("angry", "en", "en")]  # fmt: skip
    assert turns[0]["customer"] == "فاتورتي هذا الشهر ضعف المعتاد!"
    result = client.get(done.headers["Location"]).get_data(as_text=True)
    blocks = _customer_blocks(result)
    assert ("ar", "فاتورتي هذا الشهر ضعف المعتاد!") in blocks
    assert ("en", "You did not even apologise. I want a manager.") in blocks


def test_single_language_questions_are_served_as_written(synced_quizzes, client, login_as):
    """The one-language form stays valid: an Arabic agent meets the English customer."""
    login_as("agent", locale="ar")
    blocks = _customer_blocks(_page(client))
    assert ("en", "My internet has been down for two days and nobody called me back!") in blocks


QUESTION = """
id: service-quiz
course: service
title: "Service quiz"
pass_mark: 70
questions:
  - id: r
    type: roleplay
    rubric: complaint-handling
{body}"""


@pytest.mark.parametrize(
    "body, expected",
    [
        ('    customer: "Hello"\n',
         "quizzes/service-quiz.yaml:6: questions[0].language: needed when customer is a single "
         "text (ar or en)"),
        ('    customer: {en: "Hello"}\n    key_points:\n      ar: [[مرحبا]]\n      en: [[hello]]\n',
         "quizzes/service-quiz.yaml:11: questions[0].key_points.ar: no customer message in ar"),
        ('    customer: {ar: "مرحبا", en: "Hello"}\n    key_points:\n      en: [[hello]]\n',
         "quizzes/service-quiz.yaml:10: questions[0].key_points: the key points in ar are "
         "missing (the customer speaks ar)"),
        ('    customer: {en: "Hello"}\n    key_points:\n      en: hello\n',
         "quizzes/service-quiz.yaml:11: questions[0].key_points.en: Input should be a valid list"),
        ('    customer: {fr: "Bonjour"}\n',
         "quizzes/service-quiz.yaml:9: questions[0].customer.fr: Extra inputs are not permitted"),
        ("    customer: {}\n",
         "quizzes/service-quiz.yaml:9: questions[0].customer: give the customer's message in "
         "ar, en or both"),
    ],
)  # fmt: skip
def test_two_language_mistakes_name_file_line_and_field(quiz_root, body, expected):
    write(quiz_root, "quizzes/service-quiz.yaml", QUESTION.format(body=body))
    _, problems = check_content(quiz_root)
    problems = [str(p) for p in problems]
    assert any(p.startswith(expected) for p in problems), problems


def test_examples_in_both_languages_are_checked_with_their_own_key_points(
    app, quiz_root, runner, monkeypatch
):
    body = BILINGUAL_QUIZ.replace(
        "    points: 4\n",
        "    points: 4\n    examples:\n"
        f'      - {{text: "{ENGLISH_REPLY}", criteria: [apology, restate, commit_action]}}\n'
        f'      - {{text: "{ARABIC_REPLY}", criteria: [apology, restate, commit_action]}}\n',
    )
    write(quiz_root, "quizzes/service-quiz.yaml", body)
    monkeypatch.setitem(app.config, "CONTENT_DIR", quiz_root)
    result = runner.invoke(args=["quizzes", "check"])
    assert result.exit_code == 0, result.output
    assert "2 example(s)" in result.output


def test_every_shipped_roleplay_and_dialogue_turn_speaks_both_languages():
    from app.content.catalogue import load_catalogue
    from app.quizzes.roleplay_types import KeyPointsByLanguage
    from tests.conftest import REPO_ROOT

    catalogue, _ = load_catalogue(REPO_ROOT)
    scenarios = []
    for quiz_id, loaded in catalogue.quizzes.items():
        for question in loaded.questions:
            if question.type == "roleplay":
                scenarios.append((f"{quiz_id}/{question.id}", question, question.language))
            elif question.type == "roleplay_dialogue":
                scenarios += [(f"{quiz_id}/{question.id}/{turn.id}", turn, question.language)
                              for turn in question.turns]  # fmt: skip
    assert len(scenarios) >= 14
    for where, scenario, language in scenarios:
        assert scenario.languages(language) == ("ar", "en"), where
        points = scenario.key_points
        assert isinstance(points, KeyPointsByLanguage) and points.ar and points.en, where


def test_author_text_on_the_quiz_page_is_isolated(synced_quizzes, client, login_as):
    """Prompts take their own direction and choices sit in their own bidi island, so an
    English prompt on an Arabic page keeps its punctuation where it belongs."""
    login_as("agent", locale="ar")
    html = _page(client, "basics-quiz")
    assert '<legend class="fs-6 fw-semibold" dir="auto">What comes first?</legend>' in html
    assert "><bdi>An apology</bdi></label>" in html
    assert re.search(r'<p class="mb-2" dir="auto">Reply to the customer.</p>', _page(client))
