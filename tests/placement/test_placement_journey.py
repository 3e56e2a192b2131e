"""The shipped placement test taken through HTTP by a new hire: the tier they pass is
recognised with its score, the path starts at the next rung, and managers and HR see why."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app import clock
from app.assignments.models import Assignment
from app.content.services import sync_content
from app.courses.models import CourseCompletion, CourseRecognition
from app.extensions import db
from app.quizzes import versions
from app.quizzes.models import Attempt
from tests.conftest import REPO_ROOT
from tests.quizzes.conftest import definition_reads, form_token

PLACEMENT = "new-hire-placement"
# Tier 1: five of six right (83.3%, pass mark 80). Tier 2: two of five right (40%).
ANSWERS = {
    "q-home-50-price": "a", "q-air-5g-allowance": "b", "q-install-fee": "true",
    "q-outage-credit": "b", "q-adapter-warranty": "a", "q-red-fibre-light": "false",
    "q-hold-etiquette": "d", "q-queue-callback": "a", "q-promised-callback-no-news": "true",
    "q-no-repeat-questions": "a", "q-plain-words": "b",
}  # fmt: skip


@pytest.fixture
def shipped(app):
    sync_content(REPO_ROOT)
    db.session.commit()


@pytest.fixture
def new_hire(shipped, make_user, make_team):
    """An agent hired today in a manager's team (onboarding assigned on creation)."""
    manager = make_user("manager")
    team = make_team(code="care-1", manager=manager)
    agent = make_user("agent", team=team, hire_date=clock.today())
    return agent, manager


def take_placement(client, answers=ANSWERS):
    page = client.get(f"/quizzes/{PLACEMENT}")
    assert page.status_code == 200, page.status_code
    token = form_token(page.get_data(as_text=True))
    response = client.post(f"/quizzes/{PLACEMENT}/submit", data={"token": token, **answers})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return client.get(response.headers["Location"]).get_data(as_text=True)


def continue_link(home: str) -> str:
    return re.search(r'id="continue-link" href="([^"]+)"', home).group(1)


def test_pass_tier_1_fail_tier_2_recognises_tier_1_and_starts_the_path_at_tier_2(
    new_hire, client, login
):
    agent, _ = new_hire
    login(agent)
    home = client.get("/").get_data(as_text=True)
    assert 'id="placement-offer"' in home and f"/quizzes/{PLACEMENT}" in home
    assert continue_link(home) == "/courses/product-basics/lessons/why-service-matters"
    assert client.get("/courses/communication").status_code == 403  # locked before

    result = take_placement(client)

    sections = dict(re.findall(r'data-section="([^"]+)" data-passed="(yes|no)"', result))
    assert sections == {"tier-1-products": "yes", "tier-2-communication": "no"}
    assert "83.3%" in result and "40%" in result
    (attempt,) = db.session.scalars(select(Attempt)).all()
    recognitions = db.session.scalars(select(CourseRecognition)).all()
    assert [(r.user_id, r.course_id, r.score, r.attempt_id, r.section) for r in recognitions] == [
        (agent.id, "product-basics", 83.3, attempt.id, "tier-1-products")
    ]
    assert recognitions[0].recognised_at is not None
    assert db.session.scalars(select(CourseCompletion)).all() == []  # recognised, not completed

    assignments = {a.course_id: a for a in db.session.scalars(select(Assignment))}
    assert assignments["product-basics"].completed_at is not None
    assert assignments["product-basics"].recognition_id == recognitions[0].id
    assert assignments["communication"].is_open and assignments["complaint-handling"].is_open

    home = client.get("/").get_data(as_text=True)
    assert 'id="placement-offer"' not in home  # one attempt, used
    assert continue_link(home) == "/courses/communication/lessons/prompt-answers"
    assert "/courses/product-basics" not in home.split('id="assignments"')[1].split("</ul>")[0]
    assert client.get("/courses/communication").status_code == 200  # its prerequisite counts
    assert client.get("/courses/complaint-handling").status_code == 403  # tier 2 not recognised
    catalogue = client.get("/courses").get_data(as_text=True)
    assert 'data-course="product-basics" data-status="recognised"' in catalogue
    assert 'data-course="communication" data-status="open"' in catalogue
    assert "Recognised by placement, section score 83.3%" in catalogue


def test_the_placement_quiz_is_read_from_its_parsed_version(new_hire, client, login):
    """The placement test's header (sections, offer days) comes from the version as the process
    parsed it: its page, its submit and its result do not read the stored definition again."""
    login(new_hire[0])
    versions._CACHE.clear()  # a new worker

    first, _ = definition_reads(lambda: client.get(f"/quizzes/{PLACEMENT}"))
    again, page = definition_reads(lambda: client.get(f"/quizzes/{PLACEMENT}"))
    assert (first, again) == (1, 0)
    token = form_token(page.get_data(as_text=True))
    form = {"token": token, **ANSWERS}
    submitted, response = definition_reads(
        lambda: client.post(f"/quizzes/{PLACEMENT}/submit", data=form)
    )
    assert (submitted, response.status_code) == (0, 302)
    shown, result = definition_reads(lambda: client.get(response.headers["Location"]))
    assert shown == 0 and 'data-section="tier-1-products" data-passed="yes"' in result.get_data(
        as_text=True
    )


def test_the_second_attempt_is_refused_by_the_quiz_policy(new_hire, client, login):
    agent, _ = new_hire
    login(agent)
    take_placement(client)
    page = client.get(f"/quizzes/{PLACEMENT}").get_data(as_text=True)
    assert "You have used your only attempt at this quiz." in page
    assert db.session.scalars(select(CourseRecognition.course_id)).all() == ["product-basics"]


def test_manager_and_hr_see_what_was_recognised_and_why(new_hire, client, login, make_user):
    agent, manager = new_hire
    login(agent)
    take_placement(client)
    client.post("/logout")
    login(manager)
    team = client.get("/team").get_data(as_text=True)
    row = team.split(agent.name_en)[1].split("</tr>")[0]
    assert re.search(r'data-status="recognised">\s*★ Recognised by placement, section score 83.3%',
                     row)  # fmt: skip
    assert row.count('data-status="recognised"') == 1
    listed = client.get(f"/assignments?state=all&user={agent.id}").get_data(as_text=True)
    closed = [row for row in listed.split("<tr data-assignment=")[1:]
              if "★ Closed: recognised by the placement test" in row]  # fmt: skip
    assert len(closed) == 1 and "<td>Product basics</td>" in closed[0]
    assert listed.count("<tr data-assignment=") == 3
    person = client.get(f"/team/agents/{agent.id}").get_data(as_text=True)
    listed = person.split('id="recognitions"')[1].split("</ul>")[0]
    assert 'data-course="product-basics"' in listed and 'data-course="communication"' not in listed
    assert "Recognised by placement, section score 83.3%" in listed and "Tier 1" in listed
    client.post("/logout")
    login(make_user("hr", locale="ar"))  # HR reads the same reason, in Arabic
    person = client.get(f"/team/agents/{agent.id}").get_data(as_text=True)
    listed = person.split('id="recognitions"')[1].split("</ul>")[0]
    assert 'data-course="product-basics"' in listed and 'data-course="communication"' not in listed
    assert "أساسيات المنتج: معترف بها باختبار تحديد المستوى، درجة القسم 83.3% · المستوى 1" in listed


def test_offered_only_to_agents_during_their_first_days(shipped, client, login, make_user):
    veteran = make_user("agent", hire_date=clock.today() - timedelta(days=14))
    login(veteran)
    assert 'id="placement-offer"' not in client.get("/").get_data(as_text=True)
    refused = client.get(f"/quizzes/{PLACEMENT}")
    assert refused.status_code == 403
    assert "offered during the first 14 days after the hire date" in refused.get_data(as_text=True)
    assert client.post(f"/quizzes/{PLACEMENT}/submit", data={}).status_code == 403
    last_day = make_user("agent", hire_date=clock.today() - timedelta(days=13))
    client.post("/logout")
    login(last_day)
    assert 'id="placement-offer"' in client.get("/").get_data(as_text=True)
    client.post("/logout")
    login(make_user("manager"))
    assert client.get(f"/quizzes/{PLACEMENT}").status_code == 403
    assert db.session.scalars(select(Attempt)).all() == []
