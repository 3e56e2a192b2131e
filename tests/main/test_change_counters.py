"""Every commit moves change counters (the owner's, the shared one, the overall one), and a
page's ETag follows them: a browser's copy is confirmed (304) until what the page shows changes,
a reader never gets an out-of-date page, and one person's activity does not cost others theirs."""

import threading
import time
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app import clock, create_app
from app.assignments.models import Assignment
from app.content.services import sync_content
from app.courses.models import Course
from app.extensions import db
from app.notifications.services import mark_all_read, notify
from app.page_cache.models import DataGeneration
from app.people.models import User
from tests.conftest import PASSWORD, make_config
from tests.content_tree import write


@pytest.fixture
def synced(app, content_root):
    sync_content(content_root)
    db.session.commit()
    return content_root


def _etag(response) -> str:
    etag, _weak = response.get_etag()
    assert response.status_code in (200, 304) and etag, response.status_code
    return etag


def _confirmed(client, url: str, etag: str) -> bool:
    """Whether the browser's copy under `etag` is still the page (a 304)."""
    return client.get(url, headers={"If-None-Match": f'"{etag}"'}).status_code == 304


def _generation(user: User) -> int:
    return db.session.scalar(select(User.data_generation).where(User.id == user.id))


def _shared() -> int:
    return db.session.scalar(select(DataGeneration.shared))


def test_work_assigned_by_a_manager_shows_on_the_agents_next_visit(
    synced, client, login, make_user, make_team
):
    manager = make_user("manager")
    team = make_team(code="care-1", manager=manager)
    agent = make_user("agent", team=team, hire_date=date(2020, 1, 1))
    login(agent)
    etag = _etag(client.get("/"))
    assert _confirmed(client, "/", etag)
    db.session.add(Assignment(user_id=agent.id, course_id="talking", source="manager",
                              due_date=clock.today() + timedelta(days=5),
                              assigned_by_id=manager.id))  # fmt: skip
    db.session.commit()
    assert not _confirmed(client, "/", etag)
    assert 'href="/courses/talking"' in client.get("/").get_data(as_text=True)


def test_a_copy_is_no_longer_confirmed_once_its_time_window_has_passed(
    synced, database_url, make_user
):
    """What the change counters do not see is bounded by the ETag's time window."""
    served = create_app(make_config(database_url, PAGE_ETAG_SECONDS=1))
    agent = make_user("agent", hire_date=date(2020, 1, 1))
    client = served.test_client()
    client.post("/login", data={"email": agent.email, "password": PASSWORD})
    etag = _etag(client.get("/"))
    deadline = time.time() + 1.1  # past the end of the one-second window the page was given in
    while time.time() < deadline:
        threading.Event().wait(0.05)
    assert not _confirmed(client, "/", etag)


def test_another_agents_activity_leaves_my_copy_alone(synced, app, client, make_user, login):
    me, colleague = make_user("agent"), make_user("agent")
    login(me)
    etag = _etag(client.get("/"))
    colleague_client = app.test_client()
    colleague_client.post("/login", data={"email": colleague.email, "password": PASSWORD})
    assert colleague_client.post("/courses/basics/lessons/first/done").status_code == 302
    assert _confirmed(client, "/", etag)


def test_edited_content_reaches_every_reader_at_once(synced, client, login_as):
    login_as("agent")
    etag = _etag(client.get("/courses"))
    assert _confirmed(client, "/courses", etag)
    write(synced, "courses/basics/course.yaml",
          (synced / "courses/basics/course.yaml").read_text().replace("Course basics",
                                                                      "Renamed basics"))  # fmt: skip
    assert sync_content(synced).changed
    db.session.commit()
    assert not _confirmed(client, "/courses", etag)
    assert "Renamed basics" in client.get("/courses").get_data(as_text=True)


def test_team_progress_follows_an_agents_progress_at_once(synced, client, app, login, make_user,
                                                          make_team):  # fmt: skip
    manager = make_user("manager")
    team = make_team(code="care-2", manager=manager)
    agent = make_user("agent", team=team)
    login(manager)
    before = client.get("/team")
    assert _confirmed(client, "/team", _etag(before))
    agent_client = app.test_client()
    agent_client.post("/login", data={"email": agent.email, "password": PASSWORD})
    agent_client.post("/courses/basics/lessons/first/done")
    assert not _confirmed(client, "/team", _etag(before))
    after = client.get("/team")
    assert after.get_data(as_text=True) != before.get_data(as_text=True)


def test_a_message_shown_once_is_shown_once(synced, client, login_as):
    login_as("agent")
    etag = _etag(client.get("/"))
    with client.session_transaction() as session:
        session["_flashes"] = [("success", "Saved just now")]
    shown = client.get("/", headers={"If-None-Match": f'"{etag}"'})
    assert shown.status_code == 200 and "Saved just now" in shown.get_data(as_text=True)
    assert "Saved just now" not in client.get("/").get_data(as_text=True)


def test_updates_by_statement_move_only_the_named_persons_counter(app, make_user):
    reader, other = make_user("agent"), make_user("agent")
    notify(reader.id, "due_today", {"course": "basics"})
    db.session.commit()
    before_reader, before_other = _generation(reader), _generation(other)
    mark_all_read(reader.id)
    db.session.commit()
    assert _generation(reader) == before_reader + 1
    assert _generation(other) == before_other


def test_a_first_opened_lesson_moves_only_its_readers_counter(synced, client, login_as, make_user):
    other = make_user("agent")
    reader = login_as("agent")
    before_reader, before_other, shared = _generation(reader), _generation(other), _shared()
    assert client.get("/courses/basics/lessons/first").status_code == 200
    assert _generation(reader) > before_reader
    assert (_generation(other), _shared()) == (before_other, shared)


def test_shared_changes_move_the_shared_counter_not_personal_ones(synced, make_user, make_team):
    agent = make_user("agent")
    before, shared = _generation(agent), _shared()
    db.session.get(Course, "basics").position += 1
    db.session.commit()
    assert _shared() == shared + 1
    make_team(code="new-team")
    assert _shared() > shared + 1
    assert _generation(agent) == before


def test_a_rolled_back_change_moves_no_counter(app, make_user):
    agent = make_user("agent")
    before = _generation(agent)
    db.session.get(User, agent.id).name_en = "Changed"
    db.session.rollback()
    db.session.get(User, agent.id).locale = "ar"
    db.session.commit()
    assert _generation(agent) == before + 1
