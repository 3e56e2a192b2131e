"""Every agent turn is scored by the role-play rubric and scorer, bound to the customer turns
before it, and shown with the role-play result's explanations; the scorecard turns the turns
into the conversation's automatic result (a critical item fails it), and the result is evidence
on the standards its criteria map to, with the conversation source's weight."""

from datetime import date

from sqlalchemy import select

from app.content.services import sync_content
from app.conversations.models import Conversation
from app.extensions import db
from app.standards import definitions, evidence, services
from app.standards.models import ComplianceStatus
from tests.content_tree import write
from tests.conversations.conftest import BLAME_REPLY, CUSTOMER, conversation
from tests.standards.conftest import STANDARDS

BILL = "My bill is 250 riyals this month but my plan is 150 riyals."
BILL_REPLY = "I'm sorry your bill shows 250 riyals instead of 150, I will correct it today."


def _stored(external_id: str) -> Conversation:
    return db.session.scalar(select(Conversation).where(Conversation.external_id == external_id))


def _outcome(detail: dict, criterion: str) -> dict:
    return next(o for o in detail["outcomes"] if o["id"] == criterion)


def test_agent_turns_are_scored_with_the_clause_that_decided_each_criterion(team, import_json):
    import_json(conversation("C-1", team["agents"][0]))
    turn = _stored("C-1").turns[1]
    assert turn.detail["kind"] == "conversation_turn" and turn.detail["customer"] == CUSTOMER
    assert turn.detail["score"] == 90 and turn.detail["passed"]
    empathy = _outcome(turn.detail, "empathy")
    assert (
        empathy["status"] == "met" and empathy["clause"] == "I understand how frustrating that is"
    )
    assert _outcome(turn.detail, "ask_resolution")["status"] == "missed"
    assert _outcome(turn.detail, "apology")["advice"]["en"]  # the rubric's feedback, both languages


def test_each_agent_turn_is_bound_to_the_customer_turns_before_it(team, import_json):
    agent = team["agents"][0]
    heard = conversation("C-1", agent, reply=BILL_REPLY, customer=BILL)
    unheard = conversation("C-2", agent, reply=BILL_REPLY, customer="Hello, I have a question.")
    unheard["turns"].append({"speaker": "customer", "text": BILL})
    import_json(heard, unheard)
    assert _outcome(_stored("C-1").turns[1].detail, "restate")["status"] == "met"
    late = _stored("C-2")
    assert _outcome(late.turns[1].detail, "restate")["status"] == "missed"
    assert late.turns[2].detail is None  # a customer turn is not scored


def test_the_scorecard_gives_the_automatic_result(team, import_json):
    import_json(conversation("C-1", team["agents"][0]))
    stored = _stored("C-1")
    assert stored.scorecard.key == "chat"
    assert stored.auto_items == {"apology": "met", "restate": "met", "no-policy": "met",
                                 "no-blame": "met"}  # fmt: skip
    assert stored.auto_score == 100 and not stored.auto_failed


def test_a_critical_item_not_met_fails_the_conversation(team, import_json):
    item = conversation("C-1", team["agents"][0])
    item["turns"] += [{"speaker": "customer", "text": "It is still down!"},
                      {"speaker": "agent", "text": BLAME_REPLY}]  # fmt: skip
    import_json(item)
    stored = _stored("C-1")
    assert stored.turns[1].detail["passed"] and stored.turns[3].detail["critical_failure"]
    # apology, restate and no-policy are met (4 of 5 weighted points), but no-blame is critical
    assert stored.auto_items["apology"] == "met" and stored.auto_items["no-blame"] == "not_met"
    assert stored.auto_failed and stored.auto_score == 0


def test_the_page_shows_each_turn_with_the_role_play_explanations(team, import_json, client,
                                                                   login):  # fmt: skip
    item = conversation("C-1", team["agents"][0])
    item["turns"] += [{"speaker": "customer", "text": "It is still down!"},
                      {"speaker": "agent", "text": BLAME_REPLY}]  # fmt: skip
    import_json(item)
    login(team["agents"][0])
    html = client.get(f"/conversations/{_stored('C-1').id}").get_data(as_text=True)
    clause = '<q class="deciding-clause" lang="en" dir="auto" data-clause>{}</q>'
    assert clause.format("I understand how frustrating that is") in html
    assert clause.format("that is your fault") in html
    assert 'data-criterion="blame_customer" data-status="committed"' in html
    assert "A critical mistake fails this reply." in html
    assert 'data-item="no-blame" data-rating="not_met"' in html
    assert 'data-outcome="failed"' in html


def test_conversations_are_evidence_on_the_standards_their_criteria_map_to(team, import_json):
    agent = team["agents"][0]
    import_json(conversation("C-1", agent), conversation("C-2", agent, reply=BLAME_REPLY))
    statuses = dict(db.session.execute(
        select(ComplianceStatus.standard_id, ComplianceStatus.status)
        .where(ComplianceStatus.user_id == agent.id)
    ).all())  # fmt: skip
    # STD-03 maps restate: met in C-1, missed in C-2 -> 0.5, "developing" (0.8 / 0.5)
    assert statuses["STD-03"] == "developing"
    assert statuses["STD-07"] == "met"  # policy_speak avoided in both


def test_conversation_evidence_carries_the_weight_set_in_standards_yaml(team, import_json,
                                                                        synced):  # fmt: skip
    text = STANDARDS.format(version="2026.2", published="2026-02-01")
    weights = "window_days: 30\nevidence_weights: {conversation: 0.25}\n"
    text = text.replace("window_days: 30\n", weights)
    write(synced, "standards/standards.yaml", text)
    sync_content(synced)
    db.session.commit()
    agent = team["agents"][0]
    import_json(conversation("C-1", agent))
    version = services.current_version()
    rules, weights = definitions.rules_of(version), definitions.evidence_weights_of(version)
    found = evidence.load_evidence([agent.id], rules, date(2026, 3, 15), 30, weights)[agent.id]
    heard = [e for e in found if e.source == "conversation"]
    assert {(e.standard_id, e.label, e.value, e.weight) for e in heard} == {
        ("STD-03", "restate", 1.0, 0.25),
        ("STD-07", "policy_speak", 1.0, 0.25),
    }


def test_the_agent_s_standards_profile_lists_conversation_evidence(team, import_json, client,
                                                                   login):  # fmt: skip
    agent = team["agents"][0]
    import_json(conversation("C-1", agent))
    login(agent)
    html = client.get("/standards/me").get_data(as_text=True)
    link = f'<a href="/conversations/{_stored("C-1").id}">Conversation <bdi>C-1</bdi></a>'
    assert html.count('data-source="conversation"') == 2 and link in html
