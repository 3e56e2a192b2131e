"""POST /api/v1/conversations: the JSON import's rules and problems by item and field, all or
none, each conversation once, for tokens with the conversations:write scope."""

from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.conversations.models import Conversation
from app.extensions import db
from tests.conversations.conftest import conversation

URL = "/api/v1/conversations"


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(Conversation))


def test_conversations_are_imported_once_through_the_api(team, api, make_token):
    secret = make_token("conversations:write")
    agent = team["agents"][0]
    body = {"conversations": [conversation("A-1", agent), conversation("A-2", agent)]}
    response = api("POST", URL, secret, json=body)
    assert response.status_code == 200, response.json
    assert response.json == {"added": ["A-1", "A-2"], "unchanged": [], "changed": []}
    again = api("POST", URL, secret, json=body).json
    assert again == {"added": [], "unchanged": ["A-1", "A-2"], "changed": []}
    assert _count() == 2
    stored = db.session.scalar(select(Conversation).where(Conversation.external_id == "A-1"))
    assert stored.source.startswith("api:") and stored.turns[1].detail["score"] == 90
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "conversations_imported")
    )
    assert entry.object_id == stored.source


def test_bad_items_are_refused_by_item_and_field_and_nothing_is_kept(team, api, make_token):
    secret = make_token("conversations:write")
    agent = team["agents"][0]
    bad = conversation("A-2", agent, channel="fax")
    bad["turns"][0]["speaker"] = "bot"
    body = {"conversations": [conversation("A-1", agent), bad,
                              conversation("A-3", team["agents"][1]) | {"agent": "NOBODY"}]}  # fmt: skip
    response = api("POST", URL, secret, json=body)
    assert response.status_code == 422
    assert response.json["errors"] == [
        {"item": 1, "field": "channel", "message": "must be one of: phone, chat, email"},
        {"item": 1, "field": "turns[0].speaker", "message": "must be one of: customer, agent"},
        {"item": 2, "field": "agent", "message": "no agent with employee number NOBODY"},
    ]
    assert _count() == 0


def test_other_scopes_do_not_open_the_endpoint(team, api, make_token):
    secret = make_token("people:write", "reports:read", "assignments:write")
    body = {"conversations": [conversation("A-1", team["agents"][0])]}
    assert api("POST", URL, secret, json=body).status_code == 403
    assert _count() == 0
