"""Role-play replies in a calibration, beside a conversation: three reviewers score a reply blind
on the rubric's criteria (met or not met), blind to the automatic score as well; the agreement
counts a reply's criterion with the scorecard item of the same criterion; the lead's agreed
scores become human judgements of that reply, exported and read back by `flask quizzes
evaluate`. A lead adds only answers of the people they may see."""

import re

import numpy as np
import pytest
import yaml
from krippendorff import alpha as reference_alpha
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.conversations.calibration import agreed_judgements, automatic_rating
from app.conversations.models import CalibrationItem, CalibrationScore, CalibrationSession
from app.extensions import db
from app.labelling.sources import collect
from app.quizzes.models import Answer, Attempt
from tests.conversations.conftest import conversation
from tests.labelling.test_export import _counts
from tests.quizzes.conftest import POOR_REPLY

# The chat scorecard of tests/conversations/conftest.py: item -> rubric criterion (None: a
# standard).
CARD = {"apology": "apology", "restate": "restate", "no-policy": "policy_speak",
        "no-blame": "blame_customer", "prompt": None}  # fmt: skip
CARD_RATINGS = {
    0: ["met", "met", "met", "met", "partly"],
    1: ["met", "not_met", "met", "met", "met"],
    2: ["not_met", "met", "na", "met", "met"],
}
CODE = {"met": 1, "partly": 2, "not_met": 3, "na": 4}
VALUE = {"met": 1.0, "partly": 0.5, "not_met": 0.0, "na": np.nan}


def _reply_ratings(n: int, criteria: list[str]) -> dict[str, str]:
    """Reviewer n's ratings of the reply: nobody sees an apology; two say the reply did not
    avoid blaming the customer, the third that it did; the other criteria spread."""
    found = {}
    for i, criterion in enumerate(criteria):
        found[criterion] = "met" if (i + n) % 3 else "not_met"
    found["apology"] = "not_met"
    found["blame_customer"] = "met" if n == 2 else "not_met"
    return found


@pytest.fixture
def mixed(people, make_user, import_json, answered, client, login):
    """A conversation and a role-play answer of the lead's agent, in a session with three
    reviewers (the lead is one of them)."""
    import_json(conversation("C-1", people["agent"]))
    answer = answered(POOR_REPLY)
    client.post("/logout")
    lead = people["manager"]
    reviewers = [lead, make_user("manager"), make_user("manager")]
    login(lead)
    reference = f"attempt:{answer.attempt_id}:answer:{answer.id}"
    response = client.post("/conversations/calibration/new", data={
        "title": "Replies and chats", "reviewers": [r.id for r in reviewers],
        "conversations": f"C-1\n{reference}",
    })  # fmt: skip
    assert response.status_code == 302, response.get_data(as_text=True)
    client.post("/logout")
    session = db.session.scalar(select(CalibrationSession))
    conversation_item, reply_item = session.items
    criteria = [o["id"] for o in answer.detail["outcomes"]]
    return {"session": session, "answer": answer, "reference": reference, "lead": lead,
            "reviewers": reviewers, "criteria": criteria,
            "urls": {"C-1": _url(session, conversation_item), "reply": _url(session, reply_item)}}  # fmt: skip


def _url(session, item) -> str:
    return f"/conversations/calibration/{session.id}/items/{item.id}"


def _score_reply(client, mixed, n: int, ratings: dict[str, str] | None = None):
    ratings = ratings or _reply_ratings(n, mixed["criteria"])
    data = {f"rating_{c}": r for c, r in ratings.items()}
    data |= {f"comment_{c}": f"reviewer {n} on {c}" for c in ratings}
    return client.post(mixed["urls"]["reply"], data=data)


def _score_card(client, mixed, n: int):
    data = {}
    for key, rating in zip(CARD, CARD_RATINGS[n], strict=True):
        data[f"rating_{key.replace('-', '_')}"] = rating
    return client.post(mixed["urls"]["C-1"], data=data)


def test_a_reply_is_scored_blind_on_the_rubric_then_shows_the_automatic_decisions(
    mixed, client, login
):
    first, second, third = mixed["reviewers"]
    answer = mixed["answer"]
    login(second)
    page = client.get(mixed["urls"]["reply"]).get_data(as_text=True)
    assert 'id="calibration-score-form"' in page
    assert re.search(
        r'id="agent-reply" lang="en" dir="auto"[^>]*>Please restart your router\.<', page
    )
    assert 'id="customer-message" lang="en" dir="auto">My internet has been down' in page
    # blind to the machine: no automatic decision, score or highlighted evidence before submitting
    assert "data-auto" not in page and "Automatic:" not in page and "<mark" not in page
    assert f"{answer.score:g} / 100" not in page
    # a rubric criterion is met or not met: "partly" and "not applicable" are not offered
    form = page.split('id="calibration-score-form"')[1].split("</form>")[0]
    assert 'value="partly"' not in form and 'value="na"' not in form
    assert all(f'name="rating_{c}"' in form for c in mixed["criteria"])
    partly = _reply_ratings(1, mixed["criteria"]) | {"thanks": "partly"}
    assert _score_reply(client, mixed, 1, partly).status_code == 200
    assert db.session.query(CalibrationScore).count() == 0
    assert _score_reply(client, mixed, 1).status_code == 302
    page = client.get(mixed["urls"]["reply"]).get_data(as_text=True)
    item = db.session.get(CalibrationItem, int(mixed["urls"]["reply"].rsplit("/", 1)[1]))
    for criterion in mixed["criteria"]:
        shown = page.split(f'id="item-{criterion}"')[1].split("</h3>")[0]
        assert f'data-auto="{automatic_rating(item, criterion)}"' in shown
    assert automatic_rating(item, "apology") == "not_met"  # the poor reply has no apology
    client.post("/logout")

    login(third)  # the second reviewer's comments stay hidden until the third submits
    page = client.get(mixed["urls"]["reply"]).get_data(as_text=True)
    assert "reviewer 1 on thanks" not in page and "data-auto" not in page
    client.post("/logout")


def test_the_agreement_counts_replies_with_conversations(mixed, client, login):
    for n, reviewer in enumerate(mixed["reviewers"]):
        login(reviewer)
        assert _score_card(client, mixed, n).status_code == 302
        assert _score_reply(client, mixed, n).status_code == 302
        client.post("/logout")
    login(mixed["reviewers"][1])
    page = client.get(f"/conversations/calibration/{mixed['session'].id}").get_data(as_text=True)
    nominal, interval = _matrix(mixed["criteria"])
    row = page.split('<tr data-key="all"')[1].split("</tr>")[0]
    expected = reference_alpha(nominal, level_of_measurement="nominal")
    assert f'data-figure="alpha-nominal">{round(expected, 3)}</td>' in row
    expected = reference_alpha(interval, level_of_measurement="interval")
    assert f'data-figure="alpha-interval">{round(expected, 3)}</td>' in row
    # the reply's apology and the conversation's apology item are one row: six ratings
    apology = page.split('<tr data-key="apology"')[1].split("</tr>")[0]
    assert "<td>6</td>" in apology
    blame = page.split('<tr data-key="no-blame"')[1].split("</tr>")[0]
    assert "<td>6</td>" in blame
    # met, met, met on the card; not met, not met, met on the reply
    codes = [[1, 3], [1, 3], [1, 1]]
    assert (
        f"{round(reference_alpha(np.array(codes, float), level_of_measurement='nominal'), 3)}"
        in blame
    )
    assert 'data-kind="roleplay"' in page and mixed["reference"] in page


def _matrix(criteria: list[str]):
    """Reviewers x units (the card's five items, then the reply's criteria)."""
    nominal, interval = [], []
    for n in range(3):
        ratings = CARD_RATINGS[n] + [_reply_ratings(n, criteria)[c] for c in criteria]
        nominal.append([CODE[r] for r in ratings])
        interval.append([VALUE[r] for r in ratings])
    return np.array(nominal, dtype=float), np.array(interval, dtype=float)


def _agreed_session(mixed, client, login, reply_agreed: dict[str, str]):
    for n, reviewer in enumerate(mixed["reviewers"]):
        login(reviewer)
        _score_card(client, mixed, n)
        _score_reply(client, mixed, n)
        client.post("/logout")
    login(mixed["lead"])
    session_url = f"/conversations/calibration/{mixed['session'].id}"
    client.post(f"{session_url}/close-scoring")
    card = {f"agreed_{k.replace('-', '_')}": "met" for k in CARD}
    assert client.post(f"{mixed['urls']['C-1']}/agreed", data=card).status_code == 302
    client.post(f"{session_url}/close")  # the reply has no agreed scores yet
    db.session.expire_all()
    assert db.session.get(CalibrationSession, mixed["session"].id).closed_at is None
    data = {f"agreed_{c}": r for c, r in reply_agreed.items()}
    client.post(f"{mixed['urls']['reply']}/agreed", data=data)
    client.post(f"{session_url}/close")
    db.session.expire_all()
    assert db.session.get(CalibrationSession, mixed["session"].id).closed_at is not None
    client.post("/logout")


def test_agreed_scores_of_a_reply_are_judgements_exported_and_evaluated(
    mixed, client, login, runner, tmp_path
):
    answer = mixed["answer"]
    auto = {o["id"]: o["present"] for o in answer.detail["outcomes"]}
    assert auto["apology"] is False and auto["blame_customer"] is False
    # the panel decides the reply did apologise (the scorer missed it) and blamed the customer
    agreed = {c: ("met" if auto[c] else "not_met") for c in mixed["criteria"]}
    forbidden = {o["id"] for o in answer.detail["outcomes"] if o["kind"] == "forbidden"}
    agreed |= {c: ("not_met" if auto[c] else "met") for c in forbidden}  # as the scorer saw it
    agreed |= {"apology": "met", "blame_customer": "not_met"}
    _agreed_session(mixed, client, login, agreed)

    reference = mixed["reference"]
    found = {j.criterion: j for j in agreed_judgements() if j.reply_ref == reference}
    assert sorted(found) == sorted(mixed["criteria"])
    apology, blame = found["apology"], found["blame_customer"]
    assert (apology.auto_met, apology.human_met, apology.agrees) == (False, True, False)
    assert (blame.auto_met, blame.human_met) == (False, True)  # "not met" on avoiding it
    assert all(found[c].agrees for c in found if c not in ("apology", "blame_customer"))
    assert apology.source == "calibration" and apology.text == POOR_REPLY
    assert apology.customer.startswith("My internet has been down for two days")
    assert apology.key_points == (("internet down", "no internet", "internet outage"),
                                  ("two days", "2 days"))  # fmt: skip
    assert apology.auto_present == frozenset(c for c, v in auto.items() if v)
    assert apology.decided_by_id == mixed["lead"].id and apology.language == "en"
    collected = {j.source_ref for j in collect() if j.reply_ref == reference}
    assert collected == {j.source_ref for j in found.values()}

    out = tmp_path / "real"
    result = runner.invoke(args=["quizzes", "export-labels", str(out)])
    assert result.exit_code == 0, result.output
    assert "2 reply(ies) in 2 scenario(s)" in result.output  # the reply and the conversation
    folds = yaml.safe_load((out / "folds.yaml").read_text(encoding="utf-8"))
    texts = {}
    for sid in folds["real-use"]:
        scenario = yaml.safe_load((out / "scenarios" / f"{sid}.yaml").read_text("utf-8"))
        texts |= {r["text"]: (sid, scenario) for r in scenario["responses"]}
    sid, scenario = texts[POOR_REPLY]
    assert scenario["key_points"][1] == ["two days", "2 days"]
    labels = yaml.safe_load((out / "labels" / "final" / f"{sid}.yaml").read_text("utf-8"))
    [label] = labels["labels"]
    assert "apology" in label["criteria"] and "blame_customer" in label["violations"]
    evaluated = runner.invoke(args=["quizzes", "evaluate", str(out), "--fold", "real-use"])
    assert evaluated.exit_code == 0, evaluated.output
    counts = _counts(evaluated.output, "en")
    assert counts["apology"][2] == 1  # labelled, not found: the agreed apology
    assert counts["blame_customer"][2] == 1  # the agreed blame the scorer did not see


def test_a_dialogue_answer_brings_its_replies_and_a_lead_sees_only_their_people(
    people, make_user, make_team, answered, submit, relogin, client
):
    dialogue = answered(POOR_REPLY, question="bill", dialogue_reply="Your bill doubled, sorry.")
    other_manager = make_user("manager")
    stranger = make_user("agent", team=make_team(code="care-2", manager=other_manager))
    relogin(stranger)
    assert submit("service-quiz", {"q-outage": POOR_REPLY}).status_code == 302
    theirs = db.session.scalar(
        select(Answer).join(Attempt).where(Attempt.user_id == stranger.id,
                                           Answer.question_id == "outage")
    )  # fmt: skip
    reviewers = [people["manager"].id, other_manager.id]
    relogin(people["manager"])
    url = "/conversations/calibration/new"
    refused = f"attempt:{theirs.attempt_id}:answer:{theirs.id}"
    page = client.post(url, data={"title": "T", "reviewers": reviewers,
                                  "conversations": refused}).get_data(as_text=True)  # fmt: skip
    assert f"no role-play answer {refused} among those you may see" in page
    mine = f"attempt:{dialogue.attempt_id}:answer:{dialogue.id}"
    page = client.post(url, data={"title": "T", "reviewers": reviewers,
                                  "conversations": f"{mine}:turn:angry"}).get_data(as_text=True)  # fmt: skip
    assert f"the role-play answer {mine}:turn:angry has no such turn" in page
    assert db.session.query(CalibrationSession).count() == 0
    # the newest answers of the lead's people are offered to pick; the stranger's is not
    form = client.get(url).get_data(as_text=True)
    assert f'value="{mine}"' in form and f'value="{refused}"' not in form
    response = client.post(url, data={"title": "T", "reviewers": reviewers, "answers": [mine]})
    assert response.status_code == 302, response.get_data(as_text=True)
    [item] = db.session.scalar(select(CalibrationSession)).items
    assert item.turn == "opening" and item.reference == f"{mine}:turn:opening"
    started = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "calibration_created")
    )
    assert started.after["answers"] == [item.reference] and started.after["conversations"] == []
    relogin(other_manager)  # a reviewer from another team scores it as invited
    page = client.get(response.headers["Location"] + f"/items/{item.id}").get_data(as_text=True)
    assert "My bill is double this month!" in page and "Your bill doubled, sorry." in page
