"""Calibration with three reviewers: each scores two conversations blind, the agreement per
scorecard item is shown once they have submitted, the lead records the agreed scores and
closes the session; the agreed scores come out as human judgements. Only the lead and the
reviewers see a session, and every step is audited."""

import re
from datetime import timedelta

import numpy as np
import pytest
from krippendorff import alpha as reference_alpha
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.conversations.calibration import agreed_judgements
from app.conversations.models import (
    CalibrationAgreed,
    CalibrationComment,
    CalibrationScore,
    CalibrationSession,
    Conversation,
)
from app.extensions import db
from app.labelling.sources import collect
from tests.conversations.conftest import BLAME_REPLY, NOW, conversation

KEYS = ["apology", "restate", "no_policy", "no_blame", "prompt"]
# reviewer -> conversation -> ratings of the chat scorecard's five items
RATINGS = {
    0: {"C-1": ["met", "met", "met", "met", "partly"],
        "C-2": ["not_met", "met", "na", "not_met", "met"]},
    1: {"C-1": ["met", "not_met", "met", "met", "met"],
        "C-2": ["not_met", "partly", "met", "not_met", "met"]},
    2: {"C-1": ["met", "met", "met", "not_met", "met"],
        "C-2": ["met", "met", "na", "not_met", "partly"]},
}  # fmt: skip
AGREED = {"C-1": ["met", "met", "met", "met", "met"],
          "C-2": ["not_met", "met", "na", "not_met", "partly"]}  # fmt: skip
VALUE = {"met": 1.0, "partly": 0.5, "not_met": 0.0, "na": np.nan}
CODE = {"met": 1, "partly": 2, "not_met": 3, "na": 4}


@pytest.fixture
def setup(team, import_json, make_user):
    """Two conversations of the lead's team and three reviewers (the lead is one of them)."""
    import_json(conversation("C-1", team["agents"][0]),
                conversation("C-2", team["agents"][1], reply=BLAME_REPLY))  # fmt: skip
    reviewers = [team["manager"], team["other_manager"], make_user("manager")]
    return {"lead": team["manager"], "reviewers": reviewers, "outsider": make_user("manager"),
            "agent": team["agents"][0], "hr": make_user("hr"), "admin": make_user("admin"),
            "conversations": {c.external_id: c for c in db.session.scalars(select(Conversation))}}  # fmt: skip


def _start(client, login, setup) -> CalibrationSession:
    login(setup["lead"])
    response = client.post("/conversations/calibration/new", data={
        "title": "March chats", "reviewers": [r.id for r in setup["reviewers"]],
        "conversations": "C-1, C-2",
    })  # fmt: skip
    assert response.status_code == 302, response.get_data(as_text=True)
    client.post("/logout")
    return db.session.scalar(select(CalibrationSession))


def _item_url(session, reference) -> str:
    item = next(i for i in session.items if i.conversation.external_id == reference)
    return f"/conversations/calibration/{session.id}/items/{item.id}"


def _score(client, session, n: int, reference: str):
    data = {}
    for key, rating in zip(KEYS, RATINGS[n][reference], strict=True):
        data[f"rating_{key}"] = rating
        data[f"comment_{key}"] = f"reviewer {n} on {key} of {reference}"
    return client.post(_item_url(session, reference), data=data)


def test_three_reviewers_score_blind_then_see_the_agreement(setup, client, login):
    session = _start(client, login, setup)
    first, second, third = setup["reviewers"]

    login(second)
    page = client.get(_item_url(session, "C-1")).get_data(as_text=True)
    assert 'id="blind-note"' in page and 'id="calibration-score-form"' in page
    assert _score(client, session, 1, "C-1").status_code == 302
    page = client.get(_item_url(session, "C-1")).get_data(as_text=True)
    assert "reviewer 1 on restate of C-1" in page and 'id="calibration-score-form"' not in page
    # not every conversation scored yet: no summary of the session
    assert 'id="agreement-hidden"' in client.get(f"/conversations/calibration/{session.id}").text
    client.post("/logout")

    login(third)  # blind: the second reviewer's scores and comments are not shown
    page = client.get(_item_url(session, "C-1")).get_data(as_text=True)
    assert "reviewer 1 on restate of C-1" not in page and 'data-rating="not_met"' not in page
    comment = client.post(f"{_item_url(session, 'C-1')}/discussion",
                          data={"scorecard_item": "restate", "text": "Peeking"})  # fmt: skip
    assert comment.status_code == 302 and db.session.query(CalibrationComment).count() == 0
    _score(client, session, 2, "C-1")
    page = client.get(_item_url(session, "C-1")).get_data(as_text=True)
    assert "reviewer 1 on restate of C-1" in page  # after submitting, everyone's scores
    client.post(f"{_item_url(session, 'C-1')}/discussion",
                data={"scorecard_item": "restate", "text": "The agent repeated the two days."})  # fmt: skip
    assert "The agent repeated the two days." in client.get(_item_url(session, "C-1")).text
    again = _score(client, session, 2, "C-1")  # scores are submitted once
    assert "already scored" in again.get_data(as_text=True)
    _score(client, session, 2, "C-2")
    client.post("/logout")

    login(first)
    _score(client, session, 0, "C-1")
    _score(client, session, 0, "C-2")
    client.post("/logout")
    login(second)
    _score(client, session, 1, "C-2")
    page = client.get(f"/conversations/calibration/{session.id}").get_data(as_text=True)
    assert db.session.query(CalibrationScore).count() == 3 * 2 * 5
    expected = _expected_alpha()
    row = page.split('<tr data-key="all"')[1].split("</tr>")[0]
    assert f'data-figure="alpha-nominal">{round(expected["nominal"], 3)}</td>' in row
    assert f'data-figure="alpha-interval">{round(expected["interval"], 3)}</td>' in row
    assert 0.2 < expected["nominal"] < 0.22  # the figures the matrix gives, shown as 0.21
    apology = _apology_alpha()
    row = page.split('<tr data-key="apology"')[1].split("</tr>")[0]
    assert f'data-figure="alpha-nominal">{round(apology, 3)}</td>' in row


def _matrix(key_filter=None):
    rows_nominal, rows_interval = [], []
    for n in range(3):
        nominal, interval = [], []
        for reference in ("C-1", "C-2"):
            for key, rating in zip(KEYS, RATINGS[n][reference], strict=True):
                if key_filter in (None, key):
                    nominal.append(CODE[rating])
                    interval.append(VALUE[rating])
        rows_nominal.append(nominal)
        rows_interval.append(interval)
    return np.array(rows_nominal, dtype=float), np.array(rows_interval, dtype=float)


def _expected_alpha() -> dict:
    """The "all items" row, computed by the reference package on the same matrix."""
    nominal, interval = _matrix()
    return {"nominal": reference_alpha(nominal, level_of_measurement="nominal"),
            "interval": reference_alpha(interval, level_of_measurement="interval")}  # fmt: skip


def _apology_alpha() -> float:
    nominal, _interval = _matrix("apology")
    return reference_alpha(nominal, level_of_measurement="nominal")


def _score_everything(client, login, setup, session):
    for n, reviewer in enumerate(setup["reviewers"]):
        login(reviewer)
        _score(client, session, n, "C-1")
        _score(client, session, n, "C-2")
        client.post("/logout")


def _agree(client, session, reference):
    data = {f"agreed_{k}": r for k, r in zip(KEYS, AGREED[reference], strict=True)}
    return client.post(f"{_item_url(session, reference)}/agreed", data=data)


def test_the_lead_records_agreed_scores_and_closes(setup, client, login):
    session = _start(client, login, setup)
    _score_everything(client, login, setup, session)
    login(setup["reviewers"][1])  # a reviewer who is not the lead cannot close or agree
    client.post(f"/conversations/calibration/{session.id}/close-scoring")
    assert db.session.get(CalibrationSession, session.id).scoring_closed_at is None
    client.post("/logout")

    login(setup["lead"])
    _agree(client, session, "C-1")  # scoring still open: refused
    assert db.session.query(CalibrationAgreed).count() == 0
    client.post(f"/conversations/calibration/{session.id}/close-scoring")
    _agree(client, session, "C-1")
    client.post(f"/conversations/calibration/{session.id}/close")  # C-2 not agreed yet
    db.session.expire_all()
    assert db.session.get(CalibrationSession, session.id).closed_at is None
    _agree(client, session, "C-2")
    page = client.get(f"/conversations/calibration/{session.id}").get_data(as_text=True)
    # the third reviewer's distance from the agreed scores on all items (see below): 2 / 9
    third = setup["reviewers"][2]
    row = page.split('<tr data-key="all"')[1].split("</tr>")[0]
    assert f'<td data-reviewer="{third.id}">0.22</td>' in row
    client.post(f"/conversations/calibration/{session.id}/close")
    db.session.expire_all()
    closed = db.session.get(CalibrationSession, session.id)
    assert closed.closed_at is not None
    assert db.session.query(CalibrationAgreed).count() == 10
    actions = [a for a in db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id))
               if a.startswith("calibration")]  # fmt: skip
    assert actions[0] == "calibration_created" and actions[-1] == "calibration_closed"
    assert actions.count("calibration_agreed") == 2 and actions.count("calibration_scored") == 6

    page = client.get("/conversations/calibration/consistency").get_data(as_text=True)
    assert 'role="img"' in page and "<circle" in page  # one month with data: a dot
    # third reviewer: C-1 apology 0, restate 0, no_policy 0, no_blame 1, prompt 0;
    # C-2: apology 1, restate 0, no_policy n/a, no_blame 0, prompt 0 -> 2 / 9
    row = page.split(f'<tr data-reviewer="{third.id}">')[1].split("</tr>")[0]
    assert "0.222" in row
    client.post("/logout")

    setup["admin"].locale = "ar"
    db.session.commit()
    login(setup["admin"])  # the audit log names each step in the reader's language
    log = client.get("/admin/audit").get_data(as_text=True)
    for label in ("بدأت المعايرة", "أُرسلت درجات المعايرة", "أُغلق التقييم في المعايرة",
                  "سُجّلت الدرجات المتفق عليها في المعايرة", "أُغلقت المعايرة"):  # fmt: skip
        assert label in log, label
    assert "Calibration started" not in log
    started = log.split('data-action="calibration_created"')[1].split("</tr>")[0]
    assert "المعايرة <bdi>March chats</bdi>" in started  # the session by its title
    shown = [set(v.split(", ")) for v in re.findall(r"<bdi>([^<]*)</bdi></li>", started)]
    assert {r.name("ar") for r in setup["reviewers"]} in shown  # the reviewers by name, not id


def test_agreed_scores_are_human_judgements(setup, client, login):
    session = _start(client, login, setup)
    _score_everything(client, login, setup, session)
    login(setup["lead"])
    client.post(f"/conversations/calibration/{session.id}/close-scoring")
    _agree(client, session, "C-1")
    _agree(client, session, "C-2")
    assert list(agreed_judgements()) == []  # the session is still open
    client.post(f"/conversations/calibration/{session.id}/close")

    found = {j.source_ref: j for j in agreed_judgements()}
    item = {i.conversation.external_id: i.id for i in session.items}
    c2 = setup["conversations"]["C-2"]
    prefix = f"calibration:{session.id}:{item['C-2']}:"
    # C-2: the standard item (prompt) and the n/a one (policy_speak) give no judgement
    assert {k for k in found if k.startswith(prefix)} == {
        prefix + "apology", prefix + "restate", prefix + "blame_customer",
    }  # fmt: skip
    blame = found[prefix + "blame_customer"]
    assert blame.source == "calibration" and blame.criterion == "blame_customer"
    assert blame.human_met is True  # "not met" on the no-blame item: the blame was there
    assert blame.auto_met is (c2.auto_criteria["blame_customer"] == 0)
    assert blame.text == BLAME_REPLY and blame.language == "en"
    assert blame.decided_by_id == setup["lead"].id
    apology = found[f"calibration:{session.id}:{item['C-1']}:apology"]
    assert apology.human_met is True and apology.auto_met is True and apology.agrees
    assert len(found) == 4 + 3  # C-1: prompt is a standard item
    assert blame.reply_ref == f"conversation:{c2.id}"
    # the agreed scores are among the human labels that are exported and compared
    assert {j.source_ref for j in collect() if j.source == "calibration"} == set(found)
    assert list(agreed_judgements(since=NOW + timedelta(days=1))) == []


@pytest.mark.parametrize("who", ["outsider", "admin", "agent", "hr"])
def test_only_the_lead_and_reviewers_see_a_session(setup, client, login, who):
    session = _start(client, login, setup)
    login(setup[who])
    urls = [f"/conversations/calibration/{session.id}", _item_url(session, "C-1")]
    expected = 404 if who in ("outsider", "admin") else 403  # managers and admins: not theirs
    for url in urls:
        assert client.get(url).status_code == expected
    assert _score(client, session, 0, "C-1").status_code == expected
    assert db.session.query(CalibrationScore).count() == 0
    listing = client.get("/conversations/calibration/")
    if expected == 403:
        assert listing.status_code == 403
    else:
        assert listing.status_code == 200 and "March chats" not in listing.text


def test_creating_checks_reviewers_and_conversations(setup, client, login):
    login(setup["lead"])
    url = "/conversations/calibration/new"
    one = client.post(url, data={"title": "T", "reviewers": [setup["reviewers"][1].id],
                                 "conversations": "C-1"})  # fmt: skip
    assert "invite at least two reviewers" in one.get_data(as_text=True)
    ids = [r.id for r in setup["reviewers"]]
    unknown = client.post(url, data={"title": "T", "reviewers": ids, "conversations": "C-1\nC-9"})
    assert "no conversation C-9 among those you may see" in unknown.get_data(as_text=True)
    agent = client.post(url, data={"title": "T", "reviewers": [*ids, setup["agent"].id],
                                   "conversations": "C-1"})  # fmt: skip
    assert agent.status_code == 200 and db.session.query(CalibrationSession).count() == 0
    client.post("/logout")
    login(setup["reviewers"][1])  # another team's manager does not see C-1's agent
    other = client.post(url, data={"title": "T", "reviewers": ids, "conversations": "C-1"})
    assert "no conversation C-1 among those you may see" in other.get_data(as_text=True)
    assert db.session.query(CalibrationSession).count() == 0
