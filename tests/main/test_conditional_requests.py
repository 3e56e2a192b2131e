"""A browser that kept a page asks whether it changed (If-None-Match with the page's ETag) and
gets a 304 while nothing the page shows has changed: for that reader, in that language, in that
session. The answer is decided before anything is rendered."""

import pytest

from app.content.services import sync_content
from app.extensions import db
from app.notifications.services import notify
from tests.conftest import PASSWORD
from tests.content_tree import write
from tests.query_counter import count_queries


@pytest.fixture
def synced(app, content_root):
    sync_content(content_root)
    db.session.commit()
    return content_root


def _ask(client, url: str, etag: str):
    return client.get(url, headers={"If-None-Match": f'"{etag}"'})


def _etag(response) -> str:
    etag, _weak = response.get_etag()
    assert etag, response.headers
    return etag


def test_an_unchanged_page_answers_304_with_no_body(synced, client, login_as):
    login_as("agent")
    for url in ("/", "/courses", "/courses/basics/lessons/first"):
        first = client.get(url)
        assert first.status_code == 200
        again = _ask(client, url, _etag(first))
        assert again.status_code == 304, url
        assert again.get_data() == b"" and _etag(again) == _etag(first)


def test_a_304_is_decided_before_rendering(synced, client, login_as):
    login_as("agent")
    etag = _etag(client.get("/"))
    with count_queries(db.engine) as counter:
        assert _ask(client, "/", etag).status_code == 304
    # the signed-in user, read with the change counters; nothing the page shows
    assert counter.count == 1, counter.statements


def test_the_etag_moves_when_the_readers_own_data_changes(synced, client, login_as):
    login_as("agent")
    before = _etag(client.get("/"))
    assert client.post("/courses/basics/lessons/first/done").status_code == 302
    client.get("/")  # the message about the lesson is shown once, on a page never kept
    after = _ask(client, "/", before)
    assert after.status_code == 200 and _etag(after) != before
    assert "/courses/basics/lessons/second" in after.get_data(as_text=True)


def test_a_notification_for_the_reader_moves_the_etag_one_for_others_does_not(
    synced, client, login_as, make_user
):
    reader, other = login_as("agent"), make_user("agent")
    etag = _etag(client.get("/courses"))
    notify(other.id, "due_today", {"course": "basics"})
    db.session.commit()
    assert _ask(client, "/courses", etag).status_code == 304
    notify(reader.id, "due_today", {"course": "basics"})
    db.session.commit()
    page = _ask(client, "/courses", etag)
    assert page.status_code == 200 and "unread</span>" in page.get_data(as_text=True)


def test_the_etag_moves_when_shared_content_changes(synced, client, login_as):
    login_as("agent")
    etag = _etag(client.get("/courses"))
    course_file = synced / "courses/basics/course.yaml"
    write(synced, "courses/basics/course.yaml",
          course_file.read_text().replace("Course basics", "Renamed basics"))  # fmt: skip
    assert sync_content(synced).changed
    db.session.commit()
    page = _ask(client, "/courses", etag)
    assert page.status_code == 200 and "Renamed basics" in page.get_data(as_text=True)


def test_never_304_across_readers(synced, app, make_user):
    first, second = make_user("agent"), make_user("agent", name_en="Reader Two")
    first_client, second_client = app.test_client(), app.test_client()
    first_client.post("/login", data={"email": first.email, "password": PASSWORD})
    second_client.post("/login", data={"email": second.email, "password": PASSWORD})
    etag = _etag(first_client.get("/"))
    page = _ask(second_client, "/", etag)
    assert page.status_code == 200 and "Reader Two" in page.get_data(as_text=True)


def test_never_304_across_languages(synced, client, login_as):
    login_as("agent", locale="en")
    etag = _etag(client.get("/"))
    assert client.post("/language", data={"locale": "ar"}).status_code == 302
    page = _ask(client, "/", etag)
    assert page.status_code == 200 and 'lang="ar" dir="rtl"' in page.get_data(as_text=True)


def test_never_304_into_another_session_of_the_same_reader(synced, client, login_as):
    agent = login_as("agent")
    etag = _etag(client.get("/"))
    client.post("/logout")
    client.post("/login", data={"email": agent.email, "password": PASSWORD})
    # the old page's form tokens belong to the session that ended
    assert _ask(client, "/", etag).status_code == 200


def test_never_304_for_a_page_that_must_not_be_kept(synced, client, login_as):
    login_as("agent")
    etag = _etag(client.get("/"))
    with client.session_transaction() as session:
        session["_flashes"] = [("success", "Saved just now")]
    shown = _ask(client, "/", etag)
    assert shown.status_code == 200 and "Saved just now" in shown.get_data(as_text=True)
    assert "ETag" not in shown.headers
    # pages outside the kept ones have no ETag and never answer 304, whatever is asked
    for url in ("/notifications", "/standards/me"):
        page = client.get(url, headers={"If-None-Match": "*"})
        assert page.status_code == 200 and "ETag" not in page.headers, url
    # nor does `*` stand for a page the reader was given
    assert client.get("/", headers={"If-None-Match": "*"}).status_code == 200


def test_a_signed_out_visitor_is_sent_to_sign_in_whatever_the_etag(synced, client, login_as):
    login_as("agent")
    etag = _etag(client.get("/"))
    client.post("/logout")
    answer = _ask(client, "/", etag)
    assert answer.status_code == 302 and "/login" in answer.headers["Location"]
