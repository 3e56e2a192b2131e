"""People through the API: upsert by employee number with the CSV import's rules and its
all-or-nothing behaviour, errors by item and field, and deactivation."""

from datetime import date

from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.extensions import db
from app.people import services as people
from app.people.models import User

UPSERT = "/api/v1/people/upsert"


def _person(number: str, **values) -> dict:
    return {"employee_no": number, "email": f"{number.lower()}@khidma.example", "role": "agent",
            "hire_date": "2026-02-01", "name_en": f"Person {number}", **values}  # fmt: skip


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def test_upsert_creates_and_updates_by_employee_number(api, make_token, make_team, make_user):
    secret = make_token("people:write")
    team = make_team(code="care-1")
    existing = make_user("agent", employee_no="E100", email="e100@khidma.example")
    body = {"people": [
        _person("E100", name_en="Renamed", team="care-1", locale="ar"),
        _person("E200", name_ar="موظف جديد", active=False),
        _person("E300", role="Manager"),
    ]}  # fmt: skip
    response = api("POST", UPSERT, secret, json=body)
    assert response.status_code == 200, response.json
    assert response.json == {"created": ["E200", "E300"], "updated": ["E100"], "unchanged": 0,
                             "invited": []}  # fmt: skip
    db.session.expire_all()
    assert existing.name_en == "Renamed" and existing.team_id == team.id
    assert existing.department_id == team.department_id and existing.locale == "ar"
    added = db.session.scalar(select(User).where(User.employee_no == "E200"))
    assert added.active is False and added.hire_date == date(2026, 2, 1)
    assert db.session.scalar(select(User.role).where(User.employee_no == "E300")) == "manager"
    again = api("POST", UPSERT, secret, json=body)
    assert again.json == {"created": [], "updated": [], "unchanged": 3, "invited": []}


def test_one_bad_item_changes_nothing_and_every_problem_is_named(api, make_token, make_user):
    secret = make_token("people:write")
    make_user("agent", employee_no="E100", email="taken@khidma.example")
    before = _count()
    body = {"people": [
        _person("E500"),
        _person("E501", email="not-an-address", hire_date="01/02/2026"),
        _person("E502", role="boss", team="no-such-team"),
        _person("E500", email="other@khidma.example"),
        _person("E503", email="taken@khidma.example"),
    ]}  # fmt: skip
    response = api("POST", UPSERT, secret, json=body)
    assert response.status_code == 422
    assert response.json["error"] == "invalid"
    found = {(p["item"], p["field"]): p["message"] for p in response.json["errors"]}
    assert found == {
        (1, "email"): "not an email address: not-an-address",
        (1, "hire_date"): "not a date in YYYY-MM-DD form: 01/02/2026",
        (2, "role"): "must be one of agent, manager, hr, admin",
        (2, "team"): "no team with code no-such-team",
        (3, "employee_no"): "same value as row 0: E500",
        (4, "email"): "already used by employee E100",
    }
    assert _count() == before


def test_the_api_and_the_csv_import_refuse_the_same_values_with_the_same_words(api, make_token):
    """The same rules: each bad value gets the message the CSV import gives for it."""
    secret = make_token("people:write")
    bad = {"name_en": "x" * 161, "employee_no": "E\u202e9", "locale": "fr", "active": False}
    csv_row = {**_person("E9"), **bad, "active": "maybe"}
    header = ",".join(csv_row)
    raw = (header + "\n" + ",".join(str(v) for v in csv_row.values()) + "\n").encode()
    _parsed, report = people.check_people_csv(raw, "ar")
    from_csv = {(e.column, e.message) for e in report.errors if e.column != "active"}
    response = api("POST", UPSERT, secret, json={"people": [{**_person("E9"), **bad}]})
    from_api = {(p["field"], p["message"]) for p in response.json["errors"]}
    assert from_api == from_csv and len(from_api) == 3


def test_wrong_types_and_unknown_fields_are_named_by_item_and_field(api, make_token):
    secret = make_token("people:write")
    body = {"people": [_person("E1"), {**_person("E2"), "employee_no": 2, "salary": 10}]}
    response = api("POST", UPSERT, secret, json=body)
    assert response.status_code == 422
    fields = {(p["item"], p["field"]) for p in response.json["errors"]}
    assert fields == {(1, "employee_no"), (1, "salary")}
    missing = api("POST", UPSERT, secret, json={"people": [{"employee_no": "E3"}]})
    assert {p["field"] for p in missing.json["errors"]} == {"email", "role", "hire_date"}
    assert api("POST", UPSERT, secret, data="{not json").json["errors"][0]["field"] == "body"
    empty = api("POST", UPSERT, secret, json={"people": []})
    assert empty.status_code == 422 and empty.json["errors"][0]["item"] is None


def test_upserts_are_audited_under_the_tokens_administrator(api, make_token, token_admin):
    api("POST", UPSERT, make_token("people:write"), json={"people": [_person("E7")]})
    actions = dict(db.session.execute(
        select(AuditEntry.action, AuditEntry.actor_id).where(AuditEntry.object_type != "api_token")
    ).all())  # fmt: skip
    assert actions == {"person_created": token_admin.id, "people_imported": token_admin.id}


def test_deactivate_ends_sessions_and_is_audited(api, make_token, make_user, client, login):
    secret = make_token("people:write")
    agent = make_user("agent", employee_no="E42")
    version = agent.session_version
    response = api("POST", "/api/v1/people/E42/deactivate", secret)
    assert response.status_code == 200 and response.json == {"employee_no": "E42", "active": False}
    db.session.expire_all()
    assert agent.active is False and agent.session_version == version + 1
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "person_deactivated"))
    assert entry.object_id == str(agent.id)


def test_deactivate_refuses_unknown_people_and_the_tokens_own_administrator(api, make_token,
                                                                           token_admin):  # fmt: skip
    secret = make_token("people:write")
    assert api("POST", "/api/v1/people/NOPE/deactivate", secret).status_code == 404
    itself = api("POST", f"/api/v1/people/{token_admin.employee_no}/deactivate", secret)
    assert itself.status_code == 422
    assert itself.json["errors"][0]["field"] == "employee_no"
    db.session.expire_all()
    assert token_admin.active is True


def test_upsert_can_invite_the_new_people(api, make_token, app, monkeypatch):
    from app.notifications.models import Notification

    secret = make_token("people:write")
    body = {"people": [_person("E700"), _person("E701", active=False)], "invite": True}
    refused = api("POST", UPSERT, secret, json=body)  # no mail set up: nothing is written
    assert refused.status_code == 422 and refused.json["errors"][0]["field"] == "invite"
    assert db.session.scalar(select(User).where(User.employee_no == "E700")) is None
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    response = api("POST", UPSERT, secret, json=body)
    assert response.status_code == 200, response.json
    assert response.json["invited"] == ["E700"]  # the inactive person is not invited
    invited = db.session.scalar(select(User).where(User.employee_no == "E700"))
    notes = db.session.scalars(select(Notification).where(Notification.user_id == invited.id))
    assert [n.kind for n in notes] == ["invitation"]
