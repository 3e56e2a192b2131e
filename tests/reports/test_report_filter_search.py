"""The report's team and manager filters past the listing limit: a search field answered by a
small JSON endpoint, an exact code resolved without script, the chosen one still named."""

import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook

from app.certification import report_filters
from app.extensions import db
from tests.certification.helpers import with_certifications
from tests.query_counter import count_queries

LIMIT = 4  # the listing limit for these tests (the installation's is report_filters.LIST_LIMIT)


@pytest.fixture
def many_teams(app, content_root, make_user, make_team, make_department, monkeypatch):
    """Six teams, each with its manager and one agent; more than LIMIT of each."""
    with_certifications(content_root)
    monkeypatch.setattr(report_filters, "LIST_LIMIT", LIMIT)
    make_department()
    names = ["Riyadh North", "Riyadh South", "Jeddah Port", "Dammam", "Abha", "Tabuk"]
    arabic = ["شمال الرياض", "جنوب الرياض", "ميناء جدة", "الدمام", "أبها", "تبوك"]
    teams, managers, agents = [], [], []
    for n, (name_en, name_ar) in enumerate(zip(names, arabic, strict=True)):
        manager = make_user("manager", name_en=f"Lead {name_en}", name_ar=f"قائد {name_ar}")
        team = make_team(f"T-{n:02d}", manager=manager)
        team.name_en, team.name_ar = name_en, name_ar
        agents.append(make_user("agent", team=team, name_en=f"Agent of {name_en}",
                                hire_date=date(2020, 1, 1)))  # fmt: skip
        teams.append(team)
        managers.append(manager)
    db.session.commit()
    return {"teams": teams, "managers": managers, "agents": agents}


def _rows(html: str) -> set[int]:
    return {int(found) for found in re.findall(r'<tr data-user="(\d+)"', html)}


def _choices(client, kind: str, text: str):
    response = client.get(f"/certification/report/choices/{kind}", query_string={"q": text})
    assert response.status_code == 200 and response.mimetype == "application/json"
    return [item["code"] for item in response.get_json()["items"]]


def test_above_the_limit_the_page_lists_no_teams_and_offers_a_search_field(
    many_teams, client, login_as
):
    login_as("hr")
    html = client.get("/certification/report").get_data(as_text=True)
    assert 'name="team_id"' not in html and 'name="manager_id"' not in html
    assert "Jeddah Port" not in html.split("<table")[0]  # no team named in the filters
    assert 'name="team"' in html and 'name="manager"' in html
    assert "js/filter-search.js" in html
    assert html.count("<option") < 20  # departments, certifications, statuses only


def test_below_the_limit_the_filters_stay_lists(many_teams, client, login, monkeypatch):
    monkeypatch.setattr(report_filters, "LIST_LIMIT", 200)
    login(many_teams["managers"][0])  # a manager lists only their own team
    html = client.get("/certification/report").get_data(as_text=True)
    team = many_teams["teams"][0]
    assert f'<option value="{team.id}" >Riyadh North</option>' in html
    assert "Jeddah Port" not in html and "filter-search.js" not in html


def test_the_endpoint_finds_teams_by_name_and_code_in_both_languages(many_teams, client, login_as):
    login_as("hr")
    assert _choices(client, "team", "riyadh") == ["T-00", "T-01"]
    assert _choices(client, "team", "الرياض") == ["T-00", "T-01"]
    assert _choices(client, "team", "جدة") == ["T-02"]
    assert _choices(client, "team", "t-05") == ["T-05"]
    assert _choices(client, "team", "%") == [] and _choices(client, "team", "  ") == []
    item = client.get("/certification/report/choices/team?q=tabuk").get_json()["items"][0]
    assert item["name_ar"] == "تبوك" and item["name_en"] == "Tabuk" and item["label"] == "Tabuk"


def test_the_endpoint_finds_managers_by_name_and_employee_number(many_teams, client, login_as):
    login_as("hr")
    lead = many_teams["managers"][3]
    assert _choices(client, "manager", "lead dammam") == [lead.employee_no]
    assert _choices(client, "manager", "قائد الدمام") == [lead.employee_no]
    assert _choices(client, "manager", lead.employee_no.lower()) == [lead.employee_no]


def test_the_endpoint_answers_at_most_twenty(many_teams, client, login_as, make_team):
    for n in range(25):
        make_team(f"extra-{n:02d}")
    login_as("hr")
    assert len(_choices(client, "team", "extra")) == 20


def test_the_endpoint_keeps_the_report_access_rules(many_teams, client, login, make_team):
    lead = many_teams["managers"][0]
    make_team("T-side", manager=lead)  # a second team of the same manager
    login(lead)
    assert _choices(client, "team", "T-") == ["T-00", "T-side"]
    assert _choices(client, "team", "jeddah") == []
    assert _choices(client, "manager", "lead") == [lead.employee_no]
    client.post("/logout")
    login(many_teams["agents"][0])
    assert client.get("/certification/report/choices/team?q=T").status_code == 403
    client.post("/logout")
    assert client.get("/certification/report/choices/team?q=T").status_code in (302, 401)


def test_an_exact_code_typed_without_script_filters_the_report(many_teams, client, login_as):
    login_as("hr")
    team, agent = many_teams["teams"][2], many_teams["agents"][2]
    html = client.get("/certification/report?team=t-02").get_data(as_text=True)
    assert _rows(html) == {agent.id}
    assert 'value="T-02"' in html and "Jeddah Port" in html  # the field keeps the choice, named
    assert f"team_id={team.id}" in html  # exports, sort links and pages carry it on
    lead = many_teams["managers"][4]
    html = client.get(f"/certification/report?manager={lead.employee_no}").get_data(as_text=True)
    assert _rows(html) == {many_teams["agents"][4].id} and "Lead Abha" in html


def test_a_code_that_matches_nothing_says_so_and_filters_nothing(
    many_teams, client, login, make_team
):
    lead = many_teams["managers"][0]
    for n in range(LIMIT):  # enough teams of their own for a search field
        make_team(f"own-{n}", manager=lead)
    login(lead)
    html = client.get("/certification/report?team=T-03").get_data(as_text=True)  # not theirs
    assert "Nothing matches “T-03”" in html and 'class="form-control is-invalid"' in html
    assert _rows(html) == {many_teams["agents"][0].id}
    html = client.get("/certification/report?team=").get_data(as_text=True)  # emptied: all
    assert "Nothing matches" not in html and _rows(html) == {many_teams["agents"][0].id}
    html = client.get("/certification/report?team=T-00").get_data(as_text=True)
    assert "Nothing matches" not in html and "Riyadh North" in html


def test_a_chosen_team_is_named_and_exports_carry_it(many_teams, client, login_as):
    login_as("hr")
    team, lead = many_teams["teams"][1], many_teams["managers"][5]
    args = f"team_id={team.id}&manager_id={lead.id}"
    html = client.get(f"/certification/report?{args}").get_data(as_text=True)
    assert 'value="T-01"' in html and "Riyadh South" in html and "Lead Tabuk" in html
    csv = client.get(f"/reports/certification.csv?{args}")
    name = csv.headers["Content-Disposition"]
    assert f"team-t-01_manager-{lead.employee_no.lower()}" in name
    book = load_workbook(io.BytesIO(client.get(f"/reports/certification.xlsx?{args}").data))
    about = [list(row) for row in book.worksheets[1].iter_rows(values_only=True)]
    assert ["Team", "Riyadh South"] in about and ["Manager", "Lead Tabuk"] in about


def test_query_count_stays_flat_past_the_limit(many_teams, client, login_as, make_team):
    login_as("hr")
    team = many_teams["teams"][1]
    url = f"/certification/report?team_id={team.id}"
    client.get(url)
    db.session.commit()
    with count_queries(db.engine) as few:
        client.get(url)
    for n in range(30):
        make_team(f"more-{n:02d}")
    client.get(url)
    db.session.commit()
    with count_queries(db.engine) as many:
        assert client.get(url).status_code == 200
    assert few.count == many.count <= 10
