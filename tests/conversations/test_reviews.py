"""A manager reviews a conversation of their team on its scorecard with a comment per item; the
agent sees the review and may dispute it once with a reason; the agent's manager upholds or
changes it. Every step is audited, and nobody else may take these steps."""

import re

import pytest
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.conversations.models import Conversation, Dispute, Review
from app.extensions import db
from app.notifications.models import Notification
from app.standards.models import ComplianceStatus
from tests.conversations.conftest import conversation

RATINGS = {
    "apology": ("met", ""),
    "restate": ("not_met", "You did not repeat what the customer told you."),
    "no_policy": ("met", ""),
    "no_blame": ("met", ""),
    "prompt": ("partly", "Two minutes before the first answer."),
}


def _form(ratings=RATINGS, **extra) -> dict:
    data = dict(extra)
    for key, (rating, comment) in ratings.items():
        data[f"rating_{key}"], data[f"comment_{key}"] = rating, comment
    return data


def _status(user_id: int, standard_id: str) -> str | None:
    return db.session.scalar(
        select(ComplianceStatus.status).where(
            ComplianceStatus.user_id == user_id, ComplianceStatus.standard_id == standard_id
        )
    )


def _actions() -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


@pytest.fixture
def imported(team, import_json):
    import_json(conversation("C-1", team["agents"][0]))
    return db.session.scalar(select(Conversation))


def test_review_dispute_and_change(team, imported, client, login):
    manager, agent = team["manager"], team["agents"][0]
    url = f"/conversations/{imported.id}"
    assert _status(agent.id, "STD-03") == "met"  # restate met in the agent's turn

    login(manager)
    form = client.get(f"{url}/review").get_data(as_text=True)
    assert re.search(r'name="rating_apology"[^>]*>\s*<option selected value="met"', form)
    response = client.post(f"{url}/review", data=_form())
    assert response.status_code == 302
    review = db.session.scalar(select(Review))
    assert review.reviewer_id == manager.id and not review.failed
    assert review.score == pytest.approx(75)  # (2 + 0 + 1 + 1 + 0.5) / 6
    comments = {item.item_id: item.comment for item in review.items}
    assert comments["restate"] == RATINGS["restate"][1]
    # the reviewer's judgement wins over the automatic one as evidence
    assert _status(agent.id, "STD-03") == "not_met"
    assert _status(agent.id, "STD-01") == "developing"  # the standard item, rated partly
    client.post("/logout")

    login(agent)
    page = client.get(url).get_data(as_text=True)
    assert "You did not repeat what the customer told you." in page
    assert 'id="dispute-form"' in page
    response = client.post(f"{url}/dispute", data={"reason": "I did restate the two days."})
    assert response.status_code == 302
    dispute = db.session.scalar(select(Dispute))
    assert dispute.review_id == review.id and dispute.resolved_at is None
    told = db.session.scalar(select(Notification).where(Notification.user_id == manager.id,
                                                        Notification.kind == "review_disputed"))  # fmt: skip
    assert told.link == url
    client.post(f"{url}/dispute", data={"reason": "Again."})
    assert db.session.query(Dispute).count() == 1
    assert 'id="dispute-form"' not in client.get(url).get_data(as_text=True)
    client.post("/logout")

    login(manager)
    assert "I did restate the two days." in client.get("/conversations/disputes").get_data(
        as_text=True
    )
    changed = dict(RATINGS, restate=("met", "Yes, you restated it."))
    response = client.post(f"/conversations/disputes/{dispute.id}",
                           data=_form(changed, outcome="changed", note="The agent is right."))  # fmt: skip
    assert response.status_code == 302
    db.session.expire_all()
    dispute = db.session.get(Dispute, dispute.id)
    assert dispute.outcome == "changed" and dispute.resolver_id == manager.id
    new = db.session.get(Review, dispute.new_review_id)
    assert new.supersedes_id == review.id and new.score == pytest.approx(91.7)  # 5.5 / 6
    assert db.session.get(Review, review.id).score == pytest.approx(75)  # kept as it was
    assert _status(agent.id, "STD-03") == "met"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "dispute_resolved"))
    assert entry.before["ratings"]["restate"] == "not_met"
    assert entry.after["ratings"]["restate"] == "met" and entry.reason == "The agent is right."
    assert _actions()[-3:] == ["conversation_reviewed", "review_disputed", "dispute_resolved"]
    page = client.get(url).get_data(as_text=True)
    assert "changed after a dispute" in page and 'data-outcome="changed"' in page


def test_the_audit_log_names_the_reviewed_conversation(team, imported, client, login,
                                                       make_user):  # fmt: skip
    login(team["manager"])
    assert client.post(f"/conversations/{imported.id}/review", data=_form()).status_code == 302
    client.post("/logout")
    login(make_user("hr", locale="ar"))
    html = client.get("/admin/audit?action=conversation_reviewed").get_data(as_text=True)
    row = html.split('data-action="conversation_reviewed"')[1].split("</tr>")[0]
    named = f"C-1 لـ {team['agents'][0].name_ar}"
    assert f"<bdi>{named}</bdi></td>" in row  # the entry's object, the review
    assert f"المحادثة: <bdi>{named}</bdi>" in row  # what it reviewed
    assert f"<bdi>{imported.id}</bdi>" not in row


def test_a_dispute_upheld_keeps_the_review_and_needs_a_reason(team, imported, client, login):
    manager, agent = team["manager"], team["agents"][0]
    login(manager)
    client.post(f"/conversations/{imported.id}/review", data=_form())
    client.post("/logout")
    login(agent)
    client.post(f"/conversations/{imported.id}/dispute", data={"reason": "Unfair."})
    client.post("/logout")
    login(manager)
    dispute = db.session.scalar(select(Dispute))
    page = client.post(f"/conversations/disputes/{dispute.id}",
                       data=_form(outcome="upheld", note=""))  # fmt: skip
    assert page.status_code == 200 and db.session.get(Dispute, dispute.id).resolved_at is None
    client.post(f"/conversations/disputes/{dispute.id}",
                data=_form(outcome="upheld", note="The restatement is missing."))  # fmt: skip
    db.session.expire_all()
    assert db.session.get(Dispute, dispute.id).outcome == "upheld"
    assert db.session.query(Review).count() == 1
    note = db.session.scalar(select(Notification).where(Notification.user_id == agent.id,
                                                        Notification.kind == "dispute_upheld"))  # fmt: skip
    assert note is not None
    client.post("/logout")
    login(agent)  # a resolved dispute is final
    client.post(f"/conversations/{imported.id}/dispute", data={"reason": "Still unfair."})
    assert db.session.query(Dispute).count() == 1


def test_a_critical_item_not_met_fails_the_review(team, imported, client, login):
    login(team["manager"])
    ratings = dict(RATINGS, no_blame=("not_met", "You said it was the customer's fault."))
    client.post(f"/conversations/{imported.id}/review", data=_form(ratings))
    review = db.session.scalar(select(Review))
    assert review.failed and review.score == 0
    assert 'data-outcome="failed"' in client.get(f"/conversations/{imported.id}").get_data(
        as_text=True
    )


def test_a_review_rates_something_and_is_made_once(team, imported, client, login):
    login(team["manager"])
    nothing = {key: ("na", "") for key in RATINGS}
    page = client.post(f"/conversations/{imported.id}/review", data=_form(nothing))
    assert "rate at least one item" in page.get_data(as_text=True)
    client.post(f"/conversations/{imported.id}/review", data=_form())
    page = client.post(f"/conversations/{imported.id}/review", data=_form())
    assert "this conversation has already been reviewed" in page.get_data(as_text=True)
    assert db.session.query(Review).count() == 1


def test_only_the_team_s_people_reach_a_conversation_and_its_dispute(team, imported, client,
                                                                      login, make_user):  # fmt: skip
    url = f"/conversations/{imported.id}"
    login(team["manager"])
    client.post(f"{url}/review", data=_form())
    client.post("/logout")
    login(team["agents"][0])
    client.post(f"{url}/dispute", data={"reason": "Unfair."})
    dispute = db.session.scalar(select(Dispute))
    client.post("/logout")

    checks = [  # (who, method, path, expected status)
        (team["agents"][1], "get", url, 404),  # a colleague
        (team["agents"][1], "post", f"{url}/dispute", 404),
        (team["stranger"], "get", url, 404),
        (team["other_manager"], "get", url, 404),
        (team["other_manager"], "post", f"{url}/review", 404),
        (team["other_manager"], "get", f"/conversations/disputes/{dispute.id}", 404),
        (make_user("hr"), "get", url, 200),  # hr reads every conversation...
        (make_user("hr"), "post", f"{url}/review", 403),  # ...but does not review
        (make_user("admin"), "get", f"/conversations/disputes/{dispute.id}", 403),
    ]
    for user, method, path, expected in checks:
        login(user)
        response = getattr(client, method)(path, data=_form(outcome="changed", note="x"))
        assert response.status_code == expected, (user.role, path)
        client.post("/logout")
    assert db.session.query(Review).count() == 1
    assert db.session.get(Dispute, dispute.id).resolved_at is None
    page = client.get(url)
    assert page.status_code == 302 and "/login" in page.headers["Location"]
