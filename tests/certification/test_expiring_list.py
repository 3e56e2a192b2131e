"""The "expiring soon" list: a manager sees the certificates of their teams, HR everyone,
soonest first, within the period chosen (by default the longest reminder period)."""

import re
from datetime import date, timedelta

import pytest

from tests.certification.helpers import complete, travel, with_certifications

START = date(2026, 3, 1)


@pytest.fixture
def teams(app, content_root, make_user, make_team, monkeypatch):
    with_certifications(content_root)
    people = {}
    for name, certified_on in (("ana", START), ("bob", START + timedelta(days=10)),
                               ("cem", START + timedelta(days=200))):  # fmt: skip
        manager = make_user("manager", name_en=f"Manager of {name}")
        team = make_team(code=f"team-{name}", manager=manager)
        agent = make_user("agent", team=team, name_en=name.title())
        travel(monkeypatch, app, certified_on)
        complete(agent, "basics")
        complete(agent, "talking")
        people[name] = (agent, manager)
    travel(monkeypatch, app, START + timedelta(days=365 - 80))  # ana: 80 days left, bob: 90
    return people


def _listed(client, query=""):
    response = client.get(f"/certification/expiring{query}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    rows = re.findall(r'<tr data-certificate="\d+">(.*?)</tr>', html, re.S)
    names = [re.search(r"<bdi>([^<]*)</bdi>", row).group(1) for row in rows]
    days = [int(re.search(r'class="days-left">(\d+)<', row).group(1)) for row in rows]
    return list(zip(names, days, strict=True))


def test_hr_sees_everyone_soonest_first(teams, client, login_as):
    login_as("hr", locale="en")
    assert _listed(client) == [("Ana", 80), ("Bob", 90)]
    assert _listed(client, "?days=85") == [("Ana", 80)]
    assert _listed(client, "?days=30") == []


def test_a_manager_sees_only_their_teams(teams, client, login):
    _, ana_manager = teams["ana"]
    ana_manager.locale = "en"
    login(ana_manager)
    assert _listed(client) == [("Ana", 80)]
    _, cem_manager = teams["cem"]
    client.post("/logout")
    login(cem_manager)
    assert _listed(client, "?days=400") == [("Cem", 280)]


def test_the_list_is_in_the_readers_language(teams, client, login_as):
    login_as("admin", locale="ar")
    html = client.get("/certification/expiring").get_data(as_text=True)
    assert "شهادة المبتدئ" in html
    assert "الشهادات التي تنتهي قريبًا" in html
