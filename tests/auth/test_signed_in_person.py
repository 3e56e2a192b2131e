"""The signed-in person is read afresh on every request: a change another transaction commits
(an administrator's, another worker's) decides the very next request, whatever this process
read before."""

import pytest
from sqlalchemy import update

from app.extensions import db
from app.people.models import User
from tests.query_counter import count_queries


def _elsewhere(user_id: int, **values) -> None:
    """Commit a change on a connection of its own, as another request or worker would, with no
    change counter moved."""
    with db.engine.begin() as connection:
        connection.execute(update(User).where(User.id == user_id).values(**values))
    db.session.remove()  # the test's own session holds nothing the next request could reuse


def test_a_person_deactivated_elsewhere_is_signed_out_at_the_next_request(client, make_user, login):
    user = make_user("agent")
    login(user)
    assert client.get("/").status_code == 200
    _elsewhere(user.id, active=False)
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_a_role_changed_elsewhere_decides_the_next_request(client, make_user, login):
    user = make_user("manager")
    login(user)
    assert client.get("/team").status_code == 200
    _elsewhere(user.id, role="agent")
    assert client.get("/team").status_code == 403
    _elsewhere(user.id, role="manager")
    assert client.get("/team").status_code == 200


def test_sessions_ended_elsewhere_end_at_the_next_request(client, make_user, login):
    user = make_user("agent")
    login(user)
    assert client.get("/").status_code == 200
    _elsewhere(user.id, session_version=User.session_version + 1)
    assert client.get("/").status_code == 302


def test_name_and_language_changed_elsewhere_show_on_the_next_page(client, make_user, login):
    user = make_user("agent", name_en="Before Name", locale="en")
    login(user)
    page = client.get("/").get_data(as_text=True)
    assert "Before Name" in page and 'lang="en"' in page
    _elsewhere(user.id, name_en="After Name", locale="ar")
    page = client.get("/").get_data(as_text=True)
    assert 'lang="ar"' in page
    _elsewhere(user.id, locale="en")
    page = client.get("/").get_data(as_text=True)
    assert "After Name" in page and "Before Name" not in page


def test_a_change_made_during_the_request_is_kept_by_the_signed_in_person(client, make_user, login):
    """The person is the session's own object: a view changing it (the language switch)
    commits the change like any loaded row."""
    user = make_user("agent", locale="en")
    login(user)
    db.session.remove()
    response = client.post("/language", data={"locale": "ar", "next": "/"})
    assert response.status_code == 302
    db.session.remove()
    assert db.session.get(User, user.id).locale == "ar"


@pytest.mark.parametrize("page", ["/", "/certification/report"])
def test_a_page_sends_the_same_statements_whether_or_not_the_session_holds_the_person(
    client, make_user, login, page
):
    """The signed-in person is read once per page, in the statement with the change counters,
    also when the session still holds that person from before its last commit (as a test's or
    a command's session does, or any session while something still refers to the object):
    the held object, expired by the commit, is loaded from that row, not read a second time."""
    user = make_user("hr")
    user_id = user.id
    login(user)
    client.get(page)  # what the page keeps per process is kept before counting
    db.session.remove()  # a new session, holding nothing
    with count_queries(db.engine) as alone:
        assert client.get(page).status_code == 200
    held = db.session.get(User, user_id)  # kept by this test while the page is asked for
    db.session.commit()  # expires every object the session holds
    with count_queries(db.engine) as while_held:
        assert client.get(page).status_code == 200
    assert while_held.statements == alone.statements
    assert held.role == "hr"
