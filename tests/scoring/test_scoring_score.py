"""The score rule, critical failures, the empty reply, confidence and the JSON contract."""

import json

import pytest

from app.scoring import Rubric, score_reply


def test_empty_reply_scores_zero_with_feedback(rubric):
    for text in ("", "   \n "):
        result = score_reply(text, rubric.for_question(), "ar")
        assert result.score == 0 and not result.passed
        assert not any(o.present for o in result.outcomes())
        out = result.to_json("ar")
        assert len(out["feedback"]) == 11
        assert all(item["text"] for item in out["feedback"])
        assert {i["status"] for i in out["feedback"]} == {"missed", "avoided"}


def test_score_is_weighted_share_minus_violations(minimal_data):
    rubric = Rubric.from_mapping(minimal_data())
    data = minimal_data()
    data["criteria"][1]["critical"] = False
    soft = Rubric.from_mapping(data)
    assert score_reply("sorry", rubric, "en").score == 100
    # blame weighs 1 of the 2 required points: 100 - 50
    assert score_reply("sorry, your fault", soft, "en").score == 50
    assert score_reply("your fault", soft, "en").score == 0  # clamped at 0


def test_critical_violation_fails_the_reply(minimal_data):
    rubric = Rubric.from_mapping(minimal_data())
    result = score_reply("Sorry, but it's your fault.", rubric, "en", pass_mark=10)
    assert result.critical_failure and not result.passed
    assert result.violations["blame"].present


def test_pass_mark_decides(rubric):
    text = (
        "I'm so sorry the engineer never came; I know how frustrating that is. Thank you for "
        "telling us. I've booked a new visit for 9 am tomorrow and I'll call you at 8:30."
    )
    q = rubric.for_question()
    score = score_reply(text, q, "en").score
    assert score_reply(text, q, "en", pass_mark=score).passed
    assert not score_reply(text, q, "en", pass_mark=score + 1).passed


def test_json_contract(rubric):
    result = score_reply("Sorry! Fixed now.", rubric.for_question(), "en")
    out = result.to_json("en")
    assert set(out) == {"score", "passed", "criteria", "violations", "feedback", "confidence"}
    assert isinstance(out["score"], int) and 0 <= out["score"] <= 100
    assert out["criteria"]["apology"] and out["criteria"]["commit_action"]
    assert set(out["violations"]) == {
        "policy_speak",
        "needless_transfer",
        "blame_customer",
        "jargon",
    }
    item = next(i for i in out["feedback"] if i["criterion"] == "apology")
    assert item["status"] == "met" and item["matched"] == ["Sorry"]
    assert 0.0 <= out["confidence"] <= 1.0
    json.dumps(out)


def test_feedback_and_titles_in_both_locales(rubric):
    result = score_reply("Per our policy nothing can be done.", rubric.for_question(), "en")
    policy = result.violations["policy_speak"]
    assert policy.present and policy.status == "committed"
    assert policy.feedback("ar") != policy.feedback("en")
    assert policy.title("ar") and policy.title("en")
    assert policy.standard == "STD-07"


def test_confidence_is_low_near_the_pass_mark(rubric):
    q = rubric.for_question()
    far = score_reply("Have you seen our new plans?", q, "en", pass_mark=70)
    assert far.confidence >= 0.9
    near = score_reply("Have you seen our new plans?", q, "en", pass_mark=0)
    assert near.confidence < 0.5


def test_deterministic(rubric):
    text = "آسفين جدًا، بنرسلك جهاز جديد بكرة، وبتصل عليك أتأكد."
    q = rubric.for_question()
    first = score_reply(text, q, "ar").to_json("ar")
    assert all(score_reply(text, q, "ar").to_json("ar") == first for _ in range(5))


def test_unknown_language_is_rejected(rubric):
    with pytest.raises(ValueError):
        score_reply("hi", rubric, "fr")
