"""Certification and standards status through the API: everyone with the HR report's filters,
a page at a time, and one person."""

from datetime import date

import pytest

from app.certification import services as certification
from app.extensions import db
from app.standards import services as standards
from tests.certification.helpers import complete, travel, with_certifications
from tests.standards.conftest import NOW, add_kpi, now, roleplay, standards_root, synced  # noqa: F401

TODAY = date(2026, 3, 1)


@pytest.fixture
def company(app, content_root, make_user, make_team, make_department, monkeypatch):
    """Two teams in two departments; Bader certified long ago (expired), Fadi now, Jood started."""
    with_certifications(content_root)
    care, tech = make_department(), make_department("tech", "Technical", "الدعم")
    m1, m2 = make_user("manager", employee_no="M1"), make_user("manager", employee_no="M2")
    team_a, team_b = (make_team("a", manager=m1, department=care),
                      make_team("b", manager=m2, department=tech))  # fmt: skip
    hire = {"hire_date": date(2020, 1, 1)}
    people = {
        "expired": make_user("agent", team=team_a, employee_no="BADER", **hire),
        "certified": make_user("agent", team=team_b, employee_no="FADI", **hire),
        "in_progress": make_user("agent", team=team_a, employee_no="JOOD", **hire),
    }
    for key, day in (("expired", date(2025, 1, 1)), ("certified", TODAY)):
        travel(monkeypatch, app, day)
        complete(people[key], "basics")
        complete(people[key], "talking")
    complete(people["in_progress"], "basics")
    travel(monkeypatch, app, TODAY)
    certification.evaluate_all_agents()
    db.session.commit()
    return people


def _cells(items) -> dict:
    return {(i["employee_no"], i["certification"]): i["status"] for i in items}


def test_certification_status_of_everyone_filtered_and_paged(api, make_token, company):
    secret = make_token("reports:read")
    everyone = api("GET", "/api/v1/certifications?certification=starter", secret).json
    assert _cells(everyone["items"]) == {
        ("BADER", "starter"): "expired", ("FADI", "starter"): "certified",
        ("JOOD", "starter"): "in_progress",
    }  # fmt: skip
    assert everyone["total"] == 3
    fadi = next(i for i in everyone["items"] if i["employee_no"] == "FADI")
    assert (fadi["department"], fadi["team"], fadi["manager"]) == ("tech", "b", "M2")
    assert fadi["certificate_code"] and fadi["expires_on"] == "2027-03-01"
    by_team = api("GET", "/api/v1/certifications?team=a&certification=starter", secret).json
    assert {i["employee_no"] for i in by_team["items"]} == {"BADER", "JOOD"}
    by_manager = api("GET", "/api/v1/certifications?manager=M2", secret).json
    assert {i["employee_no"] for i in by_manager["items"]} == {"FADI"}
    by_department = api("GET", "/api/v1/certifications?department=care&status=expired",
                        secret).json  # fmt: skip
    assert _cells(by_department["items"]) == {("BADER", "starter"): "expired"}
    assert by_department["total"] == 1
    paged = api("GET", "/api/v1/certifications?per_page=2&page=2", secret).json
    assert paged["total"] == 9 and len(paged["items"]) == 2  # 3 agents x 3 certifications


def test_certification_filters_refuse_unknown_codes(api, make_token, company):
    secret = make_token("reports:read")
    for arg, field in (("team=zz", "team"), ("department=zz", "department"),
                       ("manager=BADER", "manager"), ("status=gold", "status")):  # fmt: skip
        response = api("GET", f"/api/v1/certifications?{arg}", secret)
        assert response.status_code == 422, arg
        assert response.json["errors"][0]["field"] == field


def test_one_persons_certifications(api, make_token, company):
    secret = make_token("reports:read")
    response = api("GET", "/api/v1/people/JOOD/certifications", secret)
    assert response.status_code == 200
    assert response.json["employee_no"] == "JOOD"
    statuses = {i["certification"]: i["status"] for i in response.json["items"]}
    assert statuses["starter"] == "in_progress" and len(statuses) == 3
    assert api("GET", "/api/v1/people/M1/certifications", secret).json["items"] == []


@pytest.fixture
def measured(synced, make_user, make_team, roleplay, add_kpi):  # noqa: F811
    manager = make_user("manager", employee_no="MGR")
    team = make_team(code="own", manager=manager)
    first = make_user("agent", team=team, employee_no="FIRST")
    second = make_user("agent", team=team, employee_no="SECOND")
    make_user("agent", employee_no="UNMEASURED")
    roleplay(first, NOW, criteria={"restate": True}, violations={"policy_speak": True})
    roleplay(second, NOW, criteria={"restate": True})
    add_kpi(first, "csat_pct", NOW.date(), 70)
    standards.recompute_statuses()
    db.session.commit()
    return {"first": first, "second": second}


def test_standards_status_of_everyone_and_one_person(api, make_token, measured):
    secret = make_token("reports:read")
    response = api("GET", "/api/v1/standards", secret)
    assert response.status_code == 200
    items = {i["employee_no"]: i for i in response.json["items"]}
    assert set(items) == {"FIRST", "SECOND", "UNMEASURED"} and response.json["total"] == 3
    first = {s["standard"]: s for s in items["FIRST"]["standards"]}
    assert list(first) == ["STD-01", "STD-03", "STD-07", "STD-10"]
    stored = standards.current_statuses([measured["first"].id])
    assert {k: v["status"] for k, v in first.items()} == {
        sid: stored.get((measured["first"].id, sid)) for sid in first
    }
    assert first["STD-07"]["status"] == "not_met" and first["STD-03"]["status"] == "met"
    assert items["FIRST"]["team"] == "own" and items["FIRST"]["manager"] == "MGR"
    assert items["FIRST"]["standards_version"] == "2026.1"
    one = api("GET", "/api/v1/people/FIRST/standards", secret).json
    assert one == items["FIRST"]


def test_standards_filters(api, make_token, measured):
    secret = make_token("reports:read")
    not_met = api("GET", "/api/v1/standards?status=not_met&standard=STD-07", secret).json
    assert [i["employee_no"] for i in not_met["items"]] == ["FIRST"]
    assert [s["standard"] for s in not_met["items"][0]["standards"]] == ["STD-07"]
    team = api("GET", "/api/v1/standards?team=own&per_page=1", secret).json
    assert team["total"] == 2 and len(team["items"]) == 1
    assert api("GET", "/api/v1/standards?manager=MGR", secret).json["total"] == 2
    wrong = api("GET", "/api/v1/standards?standard=STD-99", secret)
    assert wrong.status_code == 422 and wrong.json["errors"][0]["field"] == "standard"
