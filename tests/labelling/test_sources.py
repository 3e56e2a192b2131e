"""The collector: each source of human judgements gives what a person decided beside what the
scorer had decided, one judgement per criterion of one reply."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.conversations import calibration, reviews
from app.conversations.models import Conversation
from app.extensions import db
from app.labelling import sources
from tests.conversations.conftest import GOOD_REPLY, conversation
from tests.quizzes.conftest import POOR_REPLY


def _auto(answer) -> dict[str, bool]:
    return {o["id"]: o["present"] for o in answer.detail["outcomes"]}


def test_an_override_gives_one_judgement_per_criterion(answered, override, people):
    answer = answered(POOR_REPLY)
    auto = _auto(answer)
    assert auto["apology"] is False
    override(answer, {"apology": True})
    found = [j for j in sources.collect() if j.source == "override"]
    assert sorted(j.criterion for j in found) == sorted(auto)
    by_id = {j.criterion: j for j in found}
    apology = by_id["apology"]
    assert (apology.auto_met, apology.human_met, apology.agrees) == (False, True, False)
    assert all(by_id[c].agrees for c in auto if c != "apology")
    assert apology.text == POOR_REPLY and apology.language == "en"
    assert apology.customer.startswith("My internet has been down for two days")
    assert apology.key_points == (("internet down", "no internet", "internet outage"),
                                  ("two days", "2 days"))  # fmt: skip
    assert apology.decided_by_id == people["manager"].id
    assert apology.reply_ref == f"attempt:{answer.attempt_id}:answer:{answer.id}"
    assert apology.auto_present == frozenset(c for c, v in auto.items() if v)


def test_only_the_override_in_force_counts(answered, override):
    answer = answered(POOR_REPLY)
    override(answer, {"apology": True})
    override(answer, {"thanks": True})  # the newer one leaves apology as the scorer had it
    found = {j.criterion: j for j in sources.collect()}
    assert len(found) == len(sources.collect())
    assert found["apology"].agrees and found["thanks"].human_met is True


def test_a_dialogue_override_judges_each_turn_with_its_key_points(answered, override):
    answer = answered(POOR_REPLY, question="bill", dialogue_reply="Your bill doubled, sorry.")
    override(answer, {"opening/thanks": True})
    found = sources.collect()
    assert {j.reply_ref for j in found} == {
        f"attempt:{answer.attempt_id}:answer:{answer.id}:turn:opening"
    }
    thanks = next(j for j in found if j.criterion == "thanks")
    assert (thanks.auto_met, thanks.human_met) == (False, True)
    assert thanks.key_points == (("bill", "invoice"), ("double", "twice"))
    assert thanks.customer == "My bill is double this month!"


def test_since_and_language_select_judgements(app, answered, override, monkeypatch):
    earlier = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)
    monkeypatch.setitem(app.config, "FIXED_NOW", earlier)
    override(answered(POOR_REPLY), {"apology": True})
    monkeypatch.setitem(app.config, "FIXED_NOW", earlier + timedelta(days=30))
    override(answered(POOR_REPLY), {"thanks": True})
    recent = sources.collect(since=earlier + timedelta(days=1))
    assert {j.decided_at for j in recent} == {earlier + timedelta(days=30)}
    assert len(sources.collect()) == 2 * len(recent)
    assert sources.collect(language="ar") == []


def test_a_review_judges_the_criteria_its_items_map_to(team, import_json, synced):
    manager, agent = team["manager"], team["agents"][0]
    import_json(conversation("C-1", agent))
    talk = db.session.scalar(select(Conversation))
    reply = next(t for t in talk.turns if t.speaker == "agent")
    auto = {o["id"]: o["present"] for o in reply.detail["outcomes"]}
    assert auto["restate"] is True and auto["blame_customer"] is False
    ratings = {"apology": ("met", ""), "restate": ("not_met", "Too vague."),
               "no-policy": ("na", ""), "no-blame": ("met", ""), "prompt": ("partly", "")}  # fmt: skip
    reviews.record_review(manager, talk, ratings)
    db.session.commit()
    found = {j.criterion: j for j in sources.collect()}
    # n/a, partly and the standard item say nothing about a criterion
    assert set(found) == {"apology", "restate", "blame_customer"}
    assert (found["restate"].auto_met, found["restate"].human_met) == (True, False)
    assert found["blame_customer"].human_met is False and found["blame_customer"].agrees
    assert found["apology"].source == "review" and found["apology"].text == GOOD_REPLY
    assert found["apology"].reply_ref == f"conversation:{talk.id}:turn:{reply.position}"
    assert found["apology"].key_points == () and found["apology"].customer
    assert found["apology"].decided_by_id == manager.id


def test_a_review_of_several_agent_replies_is_left_out(team, import_json, synced):
    item = conversation("C-2", team["agents"][0])
    item["turns"] += [{"speaker": "customer", "text": "And when?"},
                      {"speaker": "agent", "text": "Tomorrow morning, I promise."}]  # fmt: skip
    import_json(item)
    talk = db.session.scalar(select(Conversation))
    ratings = {"apology": ("met", ""), "restate": ("met", ""), "no-policy": ("met", ""),
               "no-blame": ("met", ""), "prompt": ("met", "")}  # fmt: skip
    reviews.record_review(team["manager"], talk, ratings)
    db.session.commit()
    assert sources.collect() == []


def test_sources_are_resolved_by_name_and_a_wrong_one_is_named():
    assert sources.resolve_sources() == [
        sources.override_judgements, sources.review_judgements, calibration.agreed_judgements,
    ]  # fmt: skip
    with pytest.raises(LookupError, match="app.labelling.sources:nothing"):
        sources.resolve_sources(["app.labelling.sources:nothing"])
    with pytest.raises(ValueError, match="named twice"):
        sources.resolve_sources([sources.SOURCES[0], sources.SOURCES[0]])
