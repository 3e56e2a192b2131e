"""Busy pages are kept once rendered and served again until what they show changes: a reader
never sees an out-of-date page, and one person's activity does not cost others their kept
pages."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app import clock
from app.assignments.models import Assignment
from app.content.services import sync_content
from app.courses.models import Course
from app.extensions import db
from app.notifications.services import mark_all_read, notify
from app.page_cache.models import DataGeneration
from app.page_cache.store import PageStore
from app.people.models import User
from tests.conftest import PASSWORD
from tests.content_tree import write
from tests.security.test_csrf import csrf_app  # noqa: F401  (fixture)


@pytest.fixture
def synced(app, content_root):
    sync_content(content_root)
    db.session.commit()
    return content_root


def _kept(response) -> bool:
    return response.headers.get("X-Page-Cache") == "hit"


def _generation(user: User) -> int:
    return db.session.scalar(select(User.data_generation).where(User.id == user.id))


def _shared() -> int:
    return db.session.scalar(select(DataGeneration.shared))


def test_a_page_is_served_again_until_the_readers_own_data_changes(synced, client, login_as):
    login_as("agent")
    first, again = client.get("/"), client.get("/")
    assert not _kept(first) and _kept(again)
    assert again.get_data(as_text=True) == first.get_data(as_text=True)

    client.post("/courses/basics/lessons/first/done")
    after = client.get("/")
    assert not _kept(after)
    # the home page now sends the reader on to the second lesson
    assert (
        "/courses/basics/lessons/second"
        in after.get_data(as_text=True).split('id="continue-link"')[1][:200]
    )


def test_work_assigned_by_a_manager_shows_on_the_agents_next_visit(
    synced, client, login, make_user, make_team
):
    manager = make_user("manager")
    team = make_team(code="care-1", manager=manager)
    agent = make_user("agent", team=team, hire_date=date(2020, 1, 1))
    login(agent)
    client.get("/")
    assert _kept(client.get("/"))
    db.session.add(Assignment(user_id=agent.id, course_id="talking", source="manager",
                              due_date=clock.today() + timedelta(days=5),
                              assigned_by_id=manager.id))  # fmt: skip
    db.session.commit()
    page = client.get("/")
    assert not _kept(page)
    assert 'href="/courses/talking"' in page.get_data(as_text=True)


def test_another_agents_activity_leaves_my_kept_page_alone(synced, app, client, make_user, login):
    me, colleague = make_user("agent"), make_user("agent")
    login(me)
    client.get("/")
    colleague_client = app.test_client()
    colleague_client.post("/login", data={"email": colleague.email, "password": PASSWORD})
    colleague_client.post("/courses/basics/lessons/first/done")
    assert _kept(client.get("/"))


def test_edited_content_reaches_every_reader_at_once(synced, client, login_as):
    login_as("agent")
    client.get("/courses")
    assert _kept(client.get("/courses"))
    write(synced, "courses/basics/course.yaml",
          (synced / "courses/basics/course.yaml").read_text().replace("Course basics",
                                                                      "Renamed basics"))  # fmt: skip
    assert sync_content(synced).changed
    db.session.commit()
    page = client.get("/courses")
    assert not _kept(page) and "Renamed basics" in page.get_data(as_text=True)


def test_team_progress_follows_an_agents_progress_at_once(synced, client, app, login, make_user,
                                                          make_team):  # fmt: skip
    manager = make_user("manager")
    team = make_team(code="care-2", manager=manager)
    agent = make_user("agent", team=team)
    login(manager)
    client.get("/team")
    before = client.get("/team")
    assert _kept(before)
    agent_client = app.test_client()
    agent_client.post("/login", data={"email": agent.email, "password": PASSWORD})
    agent_client.post("/courses/basics/lessons/first/done")
    after = client.get("/team")
    assert not _kept(after)
    assert after.get_data(as_text=True) != before.get_data(as_text=True)


def test_a_message_shown_once_is_never_kept(synced, client, login_as):
    login_as("agent")
    client.get("/")
    with client.session_transaction() as session:
        session["_flashes"] = [("success", "Saved just now")]
    shown = client.get("/")
    assert "Saved just now" in shown.get_data(as_text=True) and not _kept(shown)
    again = client.get("/")
    assert "Saved just now" not in again.get_data(as_text=True)


def test_each_session_gets_its_own_form_token_on_a_kept_page(csrf_app, make_user, synced):  # noqa: F811
    agent = make_user("agent")

    def signed_in_client():
        client = csrf_app.test_client()
        page = client.get("/login").get_data(as_text=True)
        token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
        client.post("/login", data={"email": agent.email, "password": PASSWORD,
                                    "csrf_token": token})  # fmt: skip
        return client

    def token_on(page) -> str:
        return page.get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0]

    laptop, phone = signed_in_client(), signed_in_client()
    laptop.get("/")
    laptop_page, phone_page = laptop.get("/"), phone.get("/")
    assert _kept(laptop_page) and _kept(phone_page)
    laptop_token, phone_token = token_on(laptop_page), token_on(phone_page)
    assert laptop_token != phone_token
    # each token works in its own session, not in the other
    refused = laptop.post("/language", data={"locale": "ar", "csrf_token": phone_token})
    assert refused.status_code == 400
    accepted = laptop.post("/language", data={"locale": "ar", "csrf_token": laptop_token})
    assert accepted.status_code == 302
    arabic = laptop.get("/")
    assert not _kept(arabic) and 'lang="ar" dir="rtl"' in arabic.get_data(as_text=True)


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


def test_store_keeps_within_its_byte_budget_and_age():
    now = [0.0]
    store = PageStore(max_bytes=100, max_age_seconds=60, clock=lambda: now[0])
    store.put("a", (b"x" * 40,), size=40)
    store.put("b", (b"y" * 40,), size=40)
    assert store.get("a") is not None  # "a" is now the most recently used
    store.put("c", (b"z" * 40,), size=40)
    assert store.get("b") is None and store.get("a") is not None and store.get("c") is not None
    store.put("huge", (b"h" * 101,), size=101)
    assert store.get("huge") is None
    now[0] = 61
    assert store.get("a") is None and len(store) == 1


def test_a_kept_page_is_only_ever_served_to_its_reader(synced, app, make_user, login):
    first = make_user("agent", name_en="Reader One")
    second = make_user("agent", name_en="Reader Two")
    first_client, second_client = app.test_client(), app.test_client()
    first_client.post("/login", data={"email": first.email, "password": PASSWORD})
    second_client.post("/login", data={"email": second.email, "password": PASSWORD})
    first_client.get("/")
    assert _kept(first_client.get("/"))
    page = second_client.get("/")
    assert not _kept(page)
    html = page.get_data(as_text=True)
    assert "Reader Two" in html and "Reader One" not in html
