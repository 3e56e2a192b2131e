"""Assignments through the API: made as the assignment form makes them, listed with filters."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app import clock
from app.assignments.models import Assignment
from app.audit.models import AuditEntry
from app.content.services import sync_content
from app.extensions import db

ASSIGNMENTS = "/api/v1/assignments"


@pytest.fixture
def staff(app, content_root, make_user, make_team):
    sync_content(content_root)
    db.session.commit()
    manager = make_user("manager")
    team = make_team(code="care-1", manager=manager)
    return {"team": team, "a": make_user("agent", team=team, employee_no="A1"),
            "b": make_user("agent", team=team, employee_no="B2"),
            "loner": make_user("agent", employee_no="L3")}  # fmt: skip


def _due(days=14) -> str:
    return (clock.today() + timedelta(days=days)).isoformat()


def test_assign_to_people_and_teams_without_doubling(api, make_token, staff, token_admin):
    secret = make_token("assignments:write")
    body = {"course_ids": ["basics"], "employee_nos": ["L3"], "team_codes": ["care-1"],
            "due_date": _due(), "note": "Before the launch"}  # fmt: skip
    response = api("POST", ASSIGNMENTS, secret, json=body)
    assert response.status_code == 201, response.json
    assert sorted(a["employee_no"] for a in response.json["created"]) == ["A1", "B2", "L3"]
    assert {a["state"] for a in response.json["created"]} == {"assigned"}
    assert response.json["already_open"] == 0
    rows = db.session.scalars(select(Assignment)).all()
    assert {r.assigned_by_id for r in rows} == {token_admin.id} and len(rows) == 3
    audited = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "assignment_created")
    ).all()
    assert len(audited) == 3
    again = api("POST", ASSIGNMENTS, secret, json=body)
    assert again.json == {"created": [], "already_open": 3}


def test_assignment_problems_name_the_field(api, make_token, staff):
    secret = make_token("assignments:write")
    base = {"course_ids": ["basics"], "employee_nos": ["A1"], "due_date": _due()}
    cases = [
        ({"employee_nos": ["A1", "NOPE"]}, (1, "employee_nos")),
        ({"team_codes": ["no-team"]}, (0, "team_codes")),
        ({"course_ids": ["no-course"]}, (None, "course_ids")),
        ({"due_date": (date(2020, 1, 1)).isoformat()}, (None, "due_date")),
        ({"due_date": "next week"}, (None, "due_date")),
        ({"note": "a\u202eb"}, (None, "note")),
        ({"employee_nos": []}, (None, "employee_nos")),
    ]
    for change, (item, field) in cases:
        response = api("POST", ASSIGNMENTS, secret, json={**base, **change})
        assert response.status_code == 422, change
        assert [(p["item"], p["field"]) for p in response.json["errors"]] == [(item, field)]
    assert db.session.scalar(select(Assignment)) is None


def test_list_assignments_filters_and_pages(api, make_token, staff):
    secret = make_token("assignments:write")
    api("POST", ASSIGNMENTS, secret, json={"course_ids": ["basics", "talking"],
                                           "team_codes": ["care-1"], "due_date": _due()})  # fmt: skip
    reader = make_token("reports:read", name="BI")
    listing = api("GET", f"{ASSIGNMENTS}?per_page=3", reader)
    assert listing.status_code == 200
    assert (listing.json["total"], len(listing.json["items"])) == (4, 3)
    second = api("GET", f"{ASSIGNMENTS}?per_page=3&page=2", reader).json["items"]
    assert len(second) == 1
    mine = api("GET", f"{ASSIGNMENTS}?employee_no=B2&course=talking", reader).json
    assert [(a["employee_no"], a["course_id"]) for a in mine["items"]] == [("B2", "talking")]
    assert api("GET", f"{ASSIGNMENTS}?team=care-1", reader).json["total"] == 4
    assert api("GET", f"{ASSIGNMENTS}?state=completed", reader).json["total"] == 0
    wrong = api("GET", f"{ASSIGNMENTS}?state=later&per_page=1000&colour=red", reader)
    assert wrong.status_code == 422
    assert {p["field"] for p in wrong.json["errors"]} == {"state", "per_page", "colour"}
    unknown = api("GET", f"{ASSIGNMENTS}?team=nope", reader)
    assert unknown.status_code == 422 and unknown.json["errors"][0]["field"] == "team"
