"""Grading of each question type through the registry, with the real rubric."""

import cProfile
import pstats

import pytest
import yaml

from app.quizzes.question_types import GradingContext, get_type
from tests.conftest import REPO_ROOT

from .conftest import GOOD_REPLY, POOR_REPLY


def _question(data: dict):
    return get_type(data["type"]).schema.model_validate(data)


def _grade(data: dict, answer, context=None):
    return get_type(data["type"]).grade(_question(data), answer, context)


@pytest.fixture(scope="module")
def context():
    path = REPO_ROOT / "quizzes" / "rubrics" / "complaint-handling.yaml"
    rubric = yaml.safe_load(path.read_text(encoding="utf-8"))
    return GradingContext(rubrics={"complaint-handling": rubric}, pass_mark=70, locale="en")


SINGLE = {"id": "s", "type": "single_choice", "prompt": "P", "points": 2,
          "choices": [{"id": "a", "text": "A"}, {"id": "b", "text": "B", "correct": True}]}  # fmt: skip
MULTI = {"id": "m", "type": "multiple_choice", "prompt": "P", "choices": [
    {"id": "a", "text": "A", "correct": True}, {"id": "b", "text": "B"},
    {"id": "c", "text": "C", "correct": True}]}  # fmt: skip
ORDER = {"id": "o", "type": "ordering", "prompt": "P",
         "items": [{"id": "x", "text": "X"}, {"id": "y", "text": "Y"}, {"id": "z", "text": "Z"}]}  # fmt: skip


@pytest.mark.parametrize(
    "data, answer, correct",
    [
        (SINGLE, "b", True),
        (SINGLE, "a", False),
        (SINGLE, None, False),
        (MULTI, ["c", "a"], True),
        (MULTI, ["a"], False),
        (MULTI, ["a", "b", "c"], False),
        ({"id": "t", "type": "true_false", "prompt": "P", "answer": False}, False, True),
        ({"id": "t", "type": "true_false", "prompt": "P", "answer": False}, None, False),
        (ORDER, ["x", "y", "z"], True),
        (ORDER, ["y", "x", "z"], False),
    ],
)
def test_classic_types_grade_all_or_nothing(data, answer, correct):
    grade = _grade(data, answer)
    assert grade.correct is correct
    assert grade.points == (grade.max_points if correct else 0)


ROLEPLAY = {
    "id": "r", "type": "roleplay", "language": "en", "rubric": "complaint-handling",
    "customer": "My internet has been down for two days and nobody called me back!",
    "key_points": [["internet down", "no internet"], ["two days"]], "points": 4,
}  # fmt: skip


def test_roleplay_points_follow_the_scorer(context):
    good = _grade(ROLEPLAY, GOOD_REPLY, context)
    assert good.detail["score"] == 100 and good.correct and good.points == 4
    poor = _grade(ROLEPLAY, POOR_REPLY, context)
    assert poor.detail["score"] < 70 and not poor.correct
    assert poor.points == pytest.approx(4 * poor.detail["score"] / 100)


def test_roleplay_detail_keeps_what_the_result_page_needs(context):
    detail = _grade(ROLEPLAY, GOOD_REPLY, context).detail
    apology = next(o for o in detail["outcomes"] if o["id"] == "apology")
    assert apology["status"] == "met" and apology["matched"]
    start, end = apology["spans"][0]
    assert GOOD_REPLY[start:end].lower() in {m.lower() for m in apology["matched"]}
    assert apology["advice"]["ar"] and apology["advice"]["en"]
    assert detail["result"]["criteria"]["apology"] is True
    assert 0 <= detail["confidence"] <= 1


def test_empty_reply_scores_zero_with_advice(context):
    grade = _grade(ROLEPLAY, "", context)
    assert grade.points == 0 and not grade.correct
    assert all(o["advice"]["en"] for o in grade.detail["outcomes"] if o["kind"] == "required")


def test_question_pass_mark_overrides_the_quiz(context):
    lenient = dict(ROLEPLAY, pass_mark=0)
    assert _grade(lenient, POOR_REPLY, context).correct


DIALOGUE = {
    "id": "d", "type": "roleplay_dialogue", "language": "en", "rubric": "complaint-handling",
    "points": 2,
    "turns": [
        {"id": "opening", "customer": "My bill is double this month!",
         "key_points": [["bill"], ["double"]],
         "branches": [{"if_missed": ["apology"], "goto": "angry"}, {"goto": "calm"}]},
        {"id": "angry", "customer": "You did not apologise. I want a manager."},
        {"id": "calm", "customer": "OK. What happens now?"},
    ],
}  # fmt: skip


def test_dialogue_branches_on_the_previous_reply(context):
    qtype, question = get_type("roleplay_dialogue"), _question(DIALOGUE)
    _, after_rude = qtype.walk(question, [{"turn": "opening", "text": "What is it?"}], context)
    assert after_rude.id == "angry"
    polite = [{"turn": "opening", "text": "I'm so sorry about your bill."}]
    _, after_polite = qtype.walk(question, polite, context)
    assert after_polite.id == "calm"
    scored, pending = qtype.walk(question, [*polite, {"turn": "calm", "text": "Sorry."}], context)
    assert pending is None and [t["turn"] for t in scored] == ["opening", "calm"]


def test_dialogue_ignores_replies_off_the_path_and_averages_turns(context):
    qtype, question = get_type("roleplay_dialogue"), _question(DIALOGUE)
    replies = [{"turn": "opening", "text": "What?"}, {"turn": "calm", "text": GOOD_REPLY}]
    grade = qtype.grade(question, replies, context)
    assert [t["turn"] for t in grade.detail["turns"]] == ["opening"]  # calm was not reached
    assert grade.detail["score"] == grade.detail["turns"][0]["score"]
    assert grade.points == pytest.approx(2 * grade.detail["score"] / 100)


@pytest.mark.parametrize(
    "reply",
    [GOOD_REPLY, POOR_REPLY, "", "Sorry, but it's your fault. According to our policy, no refund."],
)
def test_a_reviewers_rescore_follows_the_scorers_rule(context, reply):
    """Rescoring stored criteria as they were gives the scorer's own score; setting one
    changes the score by the same rule (a reviewer and the scorer never disagree on arithmetic)."""
    from app.quizzes.rubrics import rescore

    data = {"id": "r", "type": "roleplay", "language": "en", "customer": "My internet is down.",
            "rubric": "complaint-handling"}  # fmt: skip
    detail = _grade(data, reply, context).detail
    outcomes = detail["outcomes"]
    assert rescore(outcomes, {}) == (detail["score"], detail["critical_failure"])
    required = [o for o in outcomes if o["kind"] == "required"]
    total = sum(o["weight"] for o in required)
    flags = {o["id"]: True for o in required} | {
        o["id"]: False for o in outcomes if o not in required
    }
    assert rescore(outcomes, flags) == (100, False)
    blame = next(o for o in outcomes if o["id"] == "blame_customer")
    score, critical = rescore(outcomes, flags | {"blame_customer": True})
    assert critical is blame["critical"]
    assert score == max(0, round(100 * (total - blame["weight"]) / total))


def test_every_question_type_shows_itself_in_the_form_and_the_result(app):
    """A type brings its own templates: the quiz and result pages never branch on its name."""
    from app.quizzes.question_types import REGISTRY

    assert {"single_choice", "ordering", "roleplay", "roleplay_dialogue"} <= set(REGISTRY)
    for qtype in REGISTRY.values():
        for name in (qtype.form_template, qtype.result_template):
            assert app.jinja_env.get_template(name), (qtype.name, name)


def _called(action, names: set[str]) -> dict[str, int]:
    """How often functions of these names ran during `action()`, as a profiler saw it."""
    profile = cProfile.Profile()
    profile.enable()
    action()
    profile.disable()
    counts = dict.fromkeys(names, 0)
    for (_file, _line, name), row in pstats.Stats(profile).stats.items():
        if name in counts:
            counts[name] += row[1]
    return counts


@pytest.mark.parametrize("data, answer", [
    (ROLEPLAY, "Sorry your internet has been down for two days."),
    (DIALOGUE, [{"turn": "opening", "text": "I'm so sorry about your bill."},
                {"turn": "calm", "text": "Sorry, I will check it now."}]),
])  # fmt: skip
def test_a_versions_rubric_is_bound_on_its_first_answer_only(context, data, answer):
    """Compiling a rubric's patterns for a question costs far more than scoring a reply."""
    qtype, question = get_type(data["type"]), _question(data)
    version = GradingContext(rubrics=context.rubrics, pass_mark=70, locale="en")
    first = qtype.grade(question, answer, version)
    work = {"for_question", "from_mapping", "dumps"}
    again = _called(lambda: qtype.grade(question, answer, version), work)
    assert again == dict.fromkeys(work, 0)
    assert qtype.grade(question, answer, version).points == first.points
