"""The daily job fills each reviewer's queue by the sampling rules in scorecards.yaml: so many
conversations of the month per agent, more for agents below a standard, a team's own rule
before the "*" one; running it again adds nothing."""

from sqlalchemy import func, select

from app.conversations.models import Conversation, QueueItem
from app.extensions import db
from tests.conversations.conftest import conversation

POLICY = "Unfortunately that is company policy, there is nothing I can do."


def _queued() -> dict[int, list[tuple[int, str]]]:
    rows = db.session.execute(
        select(Conversation.agent_id, QueueItem.reviewer_id, QueueItem.month)
        .join(Conversation, Conversation.id == QueueItem.conversation_id)
    ).all()  # fmt: skip
    found: dict[int, list[tuple[int, str]]] = {}
    for row in rows:
        found.setdefault(row.agent_id, []).append((row.reviewer_id, row.month))
    return found


def _import_month(team, import_json):
    steady, slipping = team["agents"]
    items = [
        conversation(f"S-{n}", steady, started_at=f"2026-03-0{n}T10:00:00") for n in range(1, 5)
    ]
    items += [conversation(f"P-{n}", slipping, reply=POLICY, started_at=f"2026-03-0{n}T11:00:00")
              for n in range(1, 5)]  # fmt: skip
    items += [conversation(f"X-{n}", team["stranger"], started_at=f"2026-03-0{n}T12:00:00")
              for n in range(1, 4)]  # fmt: skip
    items.append(conversation("S-feb", steady, started_at="2026-02-20T10:00:00"))
    import_json(*items)


def test_the_daily_job_fills_each_reviewer_s_queue_by_the_rules(team, import_json, runner):
    _import_month(team, import_json)
    steady, slipping = team["agents"]
    result = runner.invoke(args=["jobs", "run-daily"])
    assert result.exit_code == 0, result.output
    assert "conversation sampling: queued=6" in result.output
    queued = _queued()
    manager, other = team["manager"].id, team["other_manager"].id
    assert queued[steady.id] == [(manager, "2026-03")] * 2  # the "*" rule
    assert queued[slipping.id] == [(manager, "2026-03")] * 3  # below STD-07 (policy speak)
    assert queued[team["stranger"].id] == [(other, "2026-03")]  # the "other" team's own rule
    february = db.session.scalar(select(Conversation.id).where(Conversation.external_id == "S-feb"))
    assert db.session.scalar(select(QueueItem).where(QueueItem.conversation_id == february)) is None

    again = runner.invoke(args=["jobs", "run-daily"])
    assert "conversation sampling: queued=0" in again.output
    assert db.session.scalar(select(func.count()).select_from(QueueItem)) == 6


def test_the_queue_page_lists_the_reviewer_s_conversations(team, import_json, runner, client,
                                                           login):  # fmt: skip
    _import_month(team, import_json)
    runner.invoke(args=["jobs", "run-daily"])
    login(team["manager"])
    html = client.get("/conversations/queue").get_data(as_text=True)
    assert html.count('data-done="no"') == 5
    first = db.session.scalar(
        select(QueueItem).where(QueueItem.reviewer_id == team["manager"].id).limit(1)
    )
    ratings = {"apology": "met", "restate": "met", "no_policy": "met", "no_blame": "met",
               "prompt": "na"}  # fmt: skip
    data = {f"rating_{k}": v for k, v in ratings.items()}
    assert (
        client.post(f"/conversations/{first.conversation_id}/review", data=data).status_code == 302
    )
    html = client.get("/conversations/queue").get_data(as_text=True)
    assert html.count('data-done="no"') == 4 and html.count('data-done="yes"') == 1
    client.post("/logout")
    login(team["other_manager"])
    html = client.get("/conversations/queue").get_data(as_text=True)
    assert html.count('data-done="no"') == 1


def test_the_queue_speaks_arabic(team, client, login):
    team["manager"].locale = "ar"
    db.session.commit()
    login(team["manager"])
    html = client.get("/conversations/queue").get_data(as_text=True)
    assert (
        'dir="rtl"' in html and "محادثات للتقييم" in html and "Conversations to review" not in html
    )
