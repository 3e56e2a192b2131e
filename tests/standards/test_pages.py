"""The heatmap, the profile and the company view: what they show, who sees them, and a query
count that does not grow with the team."""

import re
from datetime import date, timedelta

import pytest

from app.extensions import db
from app.standards import services
from app.standards.models import ComplianceChange, ComplianceStatus
from tests.html_checks import active_content
from tests.query_counter import count_queries
from tests.standards.conftest import NOW


def _no_inline_code(html: str) -> None:
    """No inline scripts, handlers or styles: the CSP would block them."""
    assert [found for found in active_content(html) if found != "<script>"] == []
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert " style=" not in html and "<style" not in html


@pytest.fixture
def measured_team(team, roleplay, add_kpi):
    """Evidence that gives the first agent met/not met and the second developing."""
    first, second = team["agents"]
    roleplay(first, NOW, criteria={"restate": True}, violations={"policy_speak": True})
    roleplay(second, NOW, criteria={"restate": True})
    roleplay(second, NOW - timedelta(days=1), criteria={"restate": False})
    add_kpi(first, "csat_pct", NOW.date(), 70)
    services.recompute_statuses()
    db.session.commit()
    return team


def test_heatmap_shows_status_by_colour_and_symbol_with_consistency(measured_team, client, login):
    first, second = measured_team["agents"]
    login(measured_team["manager"])
    response = client.get("/standards/team")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    _no_inline_code(html)
    row = html.split(f'data-agent="{first.id}"')[1].split("</tr>")[0]
    assert 'class="table-success" data-status="met"' in row and "✓" in row
    assert 'data-status="not_met"' in row and "✗" in row
    assert 'data-status="no_evidence"' in row
    assert f'data-agent="{measured_team["stranger"].id}"' not in html
    consistency = html.split('id="consistency-row"')[1].split("</tr>")[0]
    assert 'data-spread="50"' in consistency  # STD-03: 100% against 50%


def test_heatmap_sorts_weakest_first(measured_team, client, login):
    first, second = measured_team["agents"]
    login(measured_team["manager"])
    by_std03 = client.get("/standards/team?sort=STD-03").get_data(as_text=True)
    assert by_std03.index(f'data-agent="{second.id}"') < by_std03.index(f'data-agent="{first.id}"')
    by_std07 = client.get("/standards/team?sort=STD-07").get_data(as_text=True)
    assert by_std07.index(f'data-agent="{first.id}"') < by_std07.index(f'data-agent="{second.id}"')
    assert client.get("/standards/team?sort=<script>").status_code == 200


def _grow_team(make_user, team, count, roleplay, add_kpi):
    for n in range(count):
        agent = make_user("agent", team=team)
        roleplay(agent, NOW, criteria={"restate": n % 2 == 0})
        add_kpi(agent, "csat_pct", NOW.date(), 60 + n)


def _heatmap_queries(client) -> int:
    db.session.expire_all()  # as in a fresh request: nothing cached from the test's own queries
    with count_queries(db.engine) as counter:
        assert client.get("/standards/team").status_code == 200
    return counter.count


def test_heatmap_query_count_does_not_grow_with_the_team(
    synced, make_user, make_team, client, login, roleplay, add_kpi
):
    manager = make_user("manager")
    team = make_team(code="big", manager=manager)
    _grow_team(make_user, team, 5, roleplay, add_kpi)
    services.recompute_statuses()
    db.session.commit()
    login(manager)
    small = _heatmap_queries(client)
    _grow_team(make_user, team, 35, roleplay, add_kpi)
    services.recompute_statuses()
    db.session.commit()
    large = _heatmap_queries(client)
    assert small == large
    assert large <= 10


def test_profile_shows_status_score_trend_and_evidence(measured_team, client, login):
    first = measured_team["agents"][0]
    login(first)
    html = client.get("/standards/me").get_data(as_text=True)
    _no_inline_code(html)
    row = html.split('data-standard="STD-03"')[1].split("</tr>")[0]
    assert 'data-status="met"' in row and "100%" in row and "<polyline" in row
    evidence = html.split('id="evidence-STD-07"')[1].split("</section>")[0]
    # criteria and KPIs by their names, never by their ids
    assert "criterion <bdi>Hiding behind policy</bdi>" in evidence and "Quiz" in evidence
    assert "policy_speak" not in evidence
    kpi = html.split('id="evidence-STD-10"')[1].split("</section>")[0]
    assert "csat_pct" not in kpi and "KPI <bdi>Customer satisfaction</bdi>" in kpi


def test_manager_sees_own_agents_profiles_only(measured_team, client, login):
    login(measured_team["manager"])
    first = measured_team["agents"][0]
    assert client.get(f"/standards/agents/{first.id}").status_code == 200
    stranger = measured_team["stranger"]
    assert client.get(f"/standards/agents/{stranger.id}").status_code == 404
    assert client.get(f"/standards/agents/{measured_team['manager'].id}").status_code == 404


def test_company_view_shares_and_least_met(measured_team, client, login, make_user):
    login(make_user("hr"))
    html = client.get("/standards/company").get_data(as_text=True)
    _no_inline_code(html)
    own = html.split('data-team="own"')[1].split("</tr>")[0]
    assert "<td>2</td>" in own  # agents
    assert "<td>50%</td>" in own  # STD-03: one of the two meets it
    assert 'id="company-chart"' in html and "<rect" in html
    least = html.split('id="least-met"')[1].split("</ol>")[0]
    assert "STD-01" in least or "STD-07" in least or "STD-10" in least
    assert client.get("/standards/company").status_code == 200
    client.post("/logout")
    login(measured_team["manager"])
    assert client.get("/standards/company").status_code == 403


def test_an_agent_hired_today_is_not_told_of_a_time_before_they_joined(
    synced, client, login, make_user
):
    services.recompute_statuses()  # the nightly statuses, from before the agent was hired
    db.session.commit()
    earlier = NOW.date() - timedelta(days=120)
    agent = make_user("agent", hire_date=NOW.date())
    db.session.add(ComplianceStatus(user_id=agent.id, standard_id="STD-03", status="no_evidence",
                                    since=earlier, computed_on=earlier))  # fmt: skip
    db.session.commit()
    login(agent)
    row = client.get("/standards/me").get_data(as_text=True).split('data-standard="STD-03"')[1]
    row = row.split("</tr>")[0]
    assert 'data-status="no_evidence"' in row
    assert "since March 15, 2026" in row and "since November 15, 2025" not in row


def _change(agent, standard_id, status, day):
    db.session.add(ComplianceChange(user_id=agent.id, standard_id=standard_id, status=status,
                                    changed_on=day))  # fmt: skip


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_heatmap_draws_each_standards_trend_with_a_text_alternative(team, client, login, lang):
    first, second = team["agents"]
    _change(first, "STD-03", "not_met", date(2025, 12, 10))
    _change(second, "STD-03", "met", date(2026, 1, 5))
    _change(first, "STD-03", "met", date(2026, 2, 20))
    db.session.commit()
    team["manager"].locale = lang
    db.session.commit()
    login(team["manager"])
    html = client.get("/standards/team").get_data(as_text=True)
    _no_inline_code(html)
    figure = html.split('id="trend-STD-03"')[1].split("</figure>")[0]
    assert 'role="img"' in figure and "<polyline" in figure
    assert 'aria-labelledby="trend-STD-03-title trend-STD-03-desc"' in figure
    desc = figure.split('<desc id="trend-STD-03-desc">')[1].split("</desc>")[0]
    if lang == "en":  # Oct, Nov: no evidence; Dec: 0 of 1; Jan: 1 of 2; Feb, Mar: 2 of 2
        assert desc == "Oct: –; Nov: –; Dec: 0%; Jan: 50%; Feb: 100%; Mar: 100%"
    table = html.split('id="trend-table"')[1].split("</table>")[0]
    row = table.split("STD-03</bdi></th>")[1].split("</tr>")[0]
    assert row == "<td>–</td><td>–</td><td>0%</td><td>50%</td><td>100%</td><td>100%</td>"
    points = [float(p.split(",")[0]) for p in figure.split('points="')[1].split('"')[0].split()]
    # Time runs with the reading direction: from the left in English, from the right in Arabic.
    assert points == sorted(points, reverse=lang == "ar")
