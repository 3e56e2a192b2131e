"""Text people wrote is shown in its own bidi island (<bdi>), so a direction override kept in
older data cannot reorder the page around it: a name reads the same in every list."""

import re
from datetime import date

import pytest
from sqlalchemy import select

from app.certification.models import Certificate
from app.extensions import db
from tests.certification.helpers import complete, travel, with_certifications

NAME = "Ali\u202egnp.exe"  # shows as "Aliexe.png" where it is not isolated
TEAM = "Care\u202e2 maeT"
MANAGER = "Mona\u202ereganam"


@pytest.fixture
def world(app, content_root, make_user, make_team, monkeypatch):
    """Names written before the forms refused overrides, stored as they came."""
    travel(monkeypatch, app, date(2026, 3, 1))
    with_certifications(content_root)
    manager = make_user("manager", name_en=MANAGER)
    team = make_team(code="care-2", manager=manager)
    team.name_en = TEAM
    agent = make_user("agent", team=team, name_en=NAME, employee_no="E\u202e12")
    complete(agent, "basics")
    complete(agent, "talking")
    return {"manager": manager, "agent": agent}


def _outside_options_and_title(html: str) -> str:
    """<option> and <title> hold text only, and each is laid out on its own."""
    html = re.sub(r"<option\b.*?</option>", "", html, flags=re.S)
    return re.sub(r"<title>.*?</title>", "", html, flags=re.S)


def _assert_isolated(html: str, *texts: str) -> None:
    html = _outside_options_and_title(html)
    for text in texts:
        shown = html.count(text)
        assert shown, f"{text!r} is not on the page"
        assert html.count(f"<bdi>{text}</bdi>") == shown, f"{text!r} is not isolated everywhere"


def test_names_are_isolated_in_people_lists_reports_and_certificates(
    world, client, login, login_as
):
    login_as("admin")
    _assert_isolated(client.get("/admin/people?status=all").text, NAME, "E\u202e12", TEAM)
    _assert_isolated(client.get("/admin/teams").text, TEAM, MANAGER)
    client.post("/logout")
    login_as("hr")
    _assert_isolated(client.get("/certification/report").text, NAME, "E\u202e12", TEAM)
    certificate = db.session.scalars(select(Certificate)).first()
    _assert_isolated(client.get(f"/certification/certificates/{certificate.id}").text, NAME)
    client.post("/logout")
    login(world["manager"])
    _assert_isolated(client.get("/team").text, NAME)
    _assert_isolated(client.get(f"/team/agents/{world['agent'].id}").text, NAME, TEAM)
