"""The report's filter lists: departments, teams and certifications are kept per process under
the shared change counter, managers are read on every view; either way a change made by another
request shows on the next view."""

import re
from datetime import date

from sqlalchemy import update

from app.certification.models import Certification
from app.extensions import db
from app.people.models import User
from tests.certification.helpers import with_certifications
from tests.conftest import PASSWORD
from tests.query_counter import count_queries


def _options(html: str, select_id: str) -> list[str]:
    """The labels a filter's list offers, "All" left out."""
    part = html.split(f'id="{select_id}"')[1].split("</select>")[0]
    return re.findall(r'<option value="[^"]+" ?[a-z]*>([^<]*)</option>', part)


def _report(client) -> str:
    response = client.get("/certification/report")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_filters_follow_changes_made_elsewhere_at_once(
    app, content_root, client, login_as, make_user, make_team, make_department
):
    with_certifications(content_root)
    lead = make_user("manager", name_en="Lead One")
    make_team("north", manager=lead)
    login_as("hr", locale="en")
    html = _report(client)
    assert _options(html, "department_id") == ["Customer Care"]
    assert _options(html, "team_id") == ["Team north"]
    assert _options(html, "manager_id") == ["Lead One"]
    certifications = _options(html, "certification_id")
    assert len(certifications) == 3
    with count_queries(db.engine) as counter:
        _report(client)
    # kept: neither the departments, the teams nor the certifications are read again
    assert not any("FROM department" in s or "FROM team " in s for s in counter.statements)
    assert not any("FROM certification WHERE" in s for s in counter.statements)

    # Changes committed by someone else (here: the test's own session, another transaction).
    sales = make_department("sales", "Sales", "المبيعات")
    other = make_user("manager", name_en="Lead Two")
    make_team("south", manager=other, department=sales)
    db.session.execute(update(User).where(User.id == lead.id).values(name_en="Lead Renamed"))
    first = db.session.scalar(db.select(Certification).order_by(Certification.position))
    first.active = False
    db.session.commit()

    html = _report(client)
    assert _options(html, "department_id") == ["Customer Care", "Sales"]
    assert _options(html, "team_id") == ["Team north", "Team south"]
    assert _options(html, "manager_id") == ["Lead Renamed", "Lead Two"]
    assert _options(html, "certification_id") == certifications[1:]


def test_a_manager_is_offered_only_their_own_teams_whoever_looked_before(
    app, content_root, make_user, make_team, make_department
):
    with_certifications(content_root)
    tech = make_department("tech", "Technical", "الدعم")
    first, second = make_user("manager", name_en="Maha"), make_user("manager", name_en="Majed")
    make_team("a", manager=first)
    make_team("b", manager=second, department=tech)
    make_user("agent", team=None, hire_date=date(2020, 1, 1))
    for manager, team, department in ((first, "Team a", "Customer Care"),
                                      (second, "Team b", "Technical")):  # fmt: skip
        client = app.test_client()  # signed in afresh
        assert (
            client.post("/login", data={"email": manager.email, "password": PASSWORD}).status_code
            == 302
        )
        for _ in range(2):  # read, then kept
            html = _report(client)
            assert _options(html, "team_id") == [team]
            assert _options(html, "manager_id") == [manager.name_en]
            assert _options(html, "department_id") == [department]
