"""Importing conversations from CSV and JSON: good files stored once with their turns, bad files
refused whole with every problem by row and column or item and field."""

import io
import json

from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.conversations import services
from app.conversations.models import Conversation, ConversationTurn
from app.extensions import db
from tests.conversations.conftest import CUSTOMER, GOOD_REPLY, conversation

HEADER = "conversation_id,channel,agent,started_at,speaker,text\n"


def _csv(rows: list[str]) -> bytes:
    return (HEADER + "".join(row + "\n" for row in rows)).encode()


def _count(model=Conversation) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _problems(report) -> list[str]:
    return [str(p) for p in report.problems]


def test_a_good_csv_is_imported_with_its_turns_in_order(team):
    agent = team["agents"][0]
    raw = _csv([
        f'C-1,chat,{agent.employee_no},2026-03-10T10:00:00+03:00,customer,"{CUSTOMER}"',
        f'C-1,chat,{agent.employee_no},2026-03-10T10:00:00+03:00,agent,"{GOOD_REPLY}"',
        f"C-2,phone,{agent.employee_no},2026-03-11 09:15,customer,الانترنت مقطوع من يومين",
        f"C-2,phone,{agent.employee_no},2026-03-11 09:15,agent,نعتذر لك عن انقطاع الانترنت",
    ])  # fmt: skip
    report = services.import_file(raw, "march.csv", actor=None)
    assert report.ok, _problems(report)
    db.session.commit()
    assert report.added == ["C-1", "C-2"]
    stored = db.session.scalar(select(Conversation).where(Conversation.external_id == "C-2"))
    assert stored.channel == "phone" and stored.agent_id == agent.id
    assert stored.language == "ar"  # guessed from the text
    assert stored.started_at.isoformat() == "2026-03-11T06:15:00+00:00"  # Riyadh time to UTC
    assert [(t.position, t.speaker) for t in stored.turns] == [(1, "customer"), (2, "agent")]
    assert stored.turns[0].detail is None and stored.turns[1].detail["score"] >= 0
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "conversations_imported")
    )
    assert entry.after["added"] == 2


def test_a_bad_csv_is_refused_whole_with_problems_by_row_and_column(team):
    agent = team["agents"][0]
    raw = _csv([
        f"C-1,chat,{agent.employee_no},2026-03-10T10:00:00+03:00,customer,hello",
        f"C-1,chat,{agent.employee_no},2026-03-10T10:00:00+03:00,agent,good morning",
        f"C-2,fax,{agent.employee_no},2026-03-10T10:00:00,agent,hi",
        "C-3,chat,NOBODY,2026-03-10T10:00:00,agent,hi",
        f"C-4,chat,{agent.employee_no},yesterday,robot,",
        f"C-1,email,{agent.employee_no},2026-03-10T10:00:00+03:00,agent,and more",
        f"C-5,chat,{agent.employee_no},2026-03-10T10:00:00,customer,only the customer",
        f"C-6,chat,{agent.employee_no},2026-04-01T10:00:00+03:00,agent,from the future",
    ])  # fmt: skip
    report = services.import_file(raw, "bad.csv", actor=None)
    assert _problems(report) == [
        "row 4, column channel: must be one of: phone, chat, email",
        "row 5, column agent: no agent with employee number NOBODY",
        "row 6, column speaker: must be one of: customer, agent",
        "row 6, column started_at: not a date and time like 2026-03-01T09:30:00+03:00",
        "row 6, column text: required",
        "row 7, column channel: differs from row 2 of the same conversation",
        "row 8, column speaker: the conversation has no agent turn",
        "row 9, column started_at: is in the future",
    ]
    db.session.rollback()
    assert _count() == 0 and _count(ConversationTurn) == 0


def test_a_csv_with_a_wrong_header_names_the_columns(team):
    raw = b"conversation_id,channel,agent,when,speaker,text\nC-1,chat,X,2026-03-10,agent,hi\n"
    report = services.import_file(raw, "bad.csv", actor=None)
    assert _problems(report) == [
        "row 1, column started_at: required column is missing",
        "row 1, column when: unknown column",
    ]


def test_a_good_json_file_is_imported(team):
    agent = team["agents"][0]
    items = [conversation("J-1", agent), conversation("J-2", agent, channel="phone")]
    report = services.import_file(json.dumps({"conversations": items}).encode(), "x.json",
                                  actor=None)  # fmt: skip
    assert report.ok, _problems(report)
    db.session.commit()
    assert sorted(db.session.scalars(select(Conversation.external_id))) == ["J-1", "J-2"]
    assert db.session.scalar(select(Conversation.language).limit(1)) == "en"


def test_a_bad_json_file_is_refused_with_problems_by_item_and_field(team):
    agent = team["agents"][0]
    good = conversation("J-1", agent)
    bad_turn = conversation("J-2", agent) | {"language": "fr"}
    bad_turn["turns"][1] = {"speaker": "agent", "text": "  "}
    extra = conversation("J-3", agent) | {"priority": "high"}
    items = [good, bad_turn, extra, conversation("J-1", agent), "not an object",
             {"id": "J-5", "channel": "chat", "agent": agent.employee_no,
              "started_at": "2026-03-10T10:00:00", "turns": []}]  # fmt: skip
    report = services.import_file(json.dumps(items).encode(), "x.json", actor=None)
    assert _problems(report) == [
        "item 1, field language: must be one of: ar, en",
        "item 1, field turns[1].text: required",
        "item 2, field priority: unknown field",
        "item 3, field id: the same id as item 0",
        "item 4, field -: must be an object",
        "item 5, field turns: give a list of turns",
    ]
    db.session.rollback()
    assert _count() == 0


def test_invalid_json_and_other_files_are_refused(team):
    assert _problems(services.import_file(b'[{"id": ', "x.json", actor=None)) == [
        "not valid JSON (line 1)"
    ]
    report = services.import_file(b"id\n", "x.txt", actor=None)
    assert [p.message for p in report.problems] == ["upload a .csv or .json file"]


def test_importing_the_same_conversation_twice_stores_it_once(team, import_json):
    agent = team["agents"][0]
    import_json(conversation("J-1", agent))
    again = import_json(conversation("J-1", agent), conversation("J-2", agent))
    assert again.added == ["J-2"] and again.unchanged == ["J-1"] and again.changed == []
    changed = import_json(conversation("J-1", agent, reply="Something else entirely."))
    assert changed.added == [] and changed.changed == ["J-1"]
    assert _count() == 2 and _count(ConversationTurn) == 4
    kept = db.session.scalar(select(Conversation).where(Conversation.external_id == "J-1"))
    assert kept.turns[1].text == GOOD_REPLY


def test_the_cli_imports_a_file_and_refuses_a_bad_one(team, runner, tmp_path):
    agent = team["agents"][0]
    good = tmp_path / "good.json"
    good.write_text(json.dumps([conversation("J-1", agent)]), encoding="utf-8")
    result = runner.invoke(args=["conversations", "import", str(good)])
    assert result.exit_code == 0, result.output
    assert "1 added, 0 already imported, 0 changed and not imported" in result.output
    result = runner.invoke(args=["conversations", "import", str(good)])
    assert "0 added, 1 already imported" in result.output
    bad = tmp_path / "bad.csv"
    bad.write_bytes(_csv([f"C-9,chat,{agent.employee_no},2026-03-10T10:00:00,agent,"]))
    result = runner.invoke(args=["conversations", "import", str(bad)])
    assert result.exit_code != 0
    assert f"{bad}: row 2, column text: required" in result.output
    assert _count() == 1


def test_a_manager_imports_only_their_own_agents(team, client, login):
    login(team["manager"])
    mine, stranger = team["agents"][0], team["stranger"]
    items = [conversation("J-1", mine), conversation("J-2", stranger)]
    data = {"file": (io.BytesIO(json.dumps(items).encode()), "march.json")}
    page = client.post("/conversations/import", data=data, content_type="multipart/form-data")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'id="import-errors"' in html
    assert f"no agent with employee number {stranger.employee_no} in your teams" in html
    assert _count() == 0
    data = {"file": (io.BytesIO(json.dumps(items[:1]).encode()), "march.json")}
    page = client.post("/conversations/import", data=data, content_type="multipart/form-data")
    assert "1 added" in page.get_data(as_text=True) and _count() == 1
