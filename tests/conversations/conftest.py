"""A small content tree with the real complaint-handling rubric, four standards and two
scorecards, synced; a manager with a team of two agents and another team; import helpers."""

import json
import shutil
from datetime import UTC, datetime

import pytest

from app.content.services import sync_content
from app.conversations import services
from app.extensions import db
from tests.api.conftest import api, make_token, token_admin  # noqa: F401  (API fixtures)
from tests.conftest import REPO_ROOT
from tests.content_tree import write
from tests.standards.conftest import write_standards

SCORECARDS = """
rubric: complaint-handling
scorecards:
  - id: chat
    channel: chat
    title: {ar: "المحادثات", en: "Chat scorecard"}
    pass_mark: 70
    items:
      - {id: apology, criterion: apology, weight: 2}
      - {id: restate, criterion: restate}
      - {id: no-policy, criterion: policy_speak}
      - {id: no-blame, criterion: blame_customer, critical: true}
      - {id: prompt, standard: STD-01}
  - id: phone
    channel: phone
    title: "Phone scorecard"
    items:
      - {id: apology, criterion: apology}
      - {id: no-blame, criterion: blame_customer, critical: true}
sampling:
  - team: "*"
    per_agent_per_month: 2
    below_standard: {standards: [STD-07], per_agent_per_month: 3}
  - team: other
    per_agent_per_month: 1
"""

NOW = datetime(2026, 3, 15, 9, 0, tzinfo=UTC)
GOOD_REPLY = (
    "I'm so sorry the internet has been down for two days, I understand how frustrating that "
    "is. I will send a technician tomorrow morning and call you after the visit. Thank you "
    "for your patience."
)
BLAME_REPLY = "You must have unplugged the router yourself, that is your fault."
CUSTOMER = "My internet has been down for two days and nobody helps me."


def write_scorecards(root, text=SCORECARDS):
    write(root, "standards/scorecards.yaml", text)


@pytest.fixture
def qa_root(content_root):
    rubrics = content_root / "quizzes" / "rubrics"
    rubrics.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO_ROOT / "quizzes" / "rubrics" / "complaint-handling.yaml", rubrics)
    write_standards(content_root)
    write_scorecards(content_root)
    return content_root


@pytest.fixture
def synced(app, qa_root, monkeypatch):
    monkeypatch.setitem(app.config, "FIXED_NOW", NOW)
    sync_content(qa_root)
    db.session.commit()
    return qa_root


@pytest.fixture
def team(synced, two_teams):
    """Two teams (tests/conftest.py: two_teams), once the content is synced."""
    return two_teams


def conversation(cid, agent, reply=GOOD_REPLY, channel="chat", started_at="2026-03-10T10:00:00+03:00",
                 customer=CUSTOMER):  # fmt: skip
    return {
        "id": cid, "channel": channel, "agent": agent.employee_no, "started_at": started_at,
        "turns": [{"speaker": "customer", "text": customer}, {"speaker": "agent", "text": reply}],
    }  # fmt: skip


@pytest.fixture
def import_json(synced):
    """Import conversations as a JSON file would (committed); returns the report."""

    def do(*items, actor=None):
        raw = json.dumps(list(items)).encode()
        report = services.import_file(raw, "conversations.json", actor=actor)
        assert report.ok, [str(p) for p in report.problems]
        db.session.commit()
        return report

    return do
