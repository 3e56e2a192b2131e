"""New passwords are refused when short or common (the shipped list), wherever they are
chosen; a password an administrator set must be changed at the first sign-in."""

from sqlalchemy import select

from app.auth.passwords import common_passwords
from app.extensions import db
from app.people.models import User
from tests.auth.conftest import link_path
from tests.conftest import PASSWORD

OWN_PASSWORD = "a-tide-of-lanterns-42"
COMMON = "Password123"  # "password123" is on the list: case does not save it


def test_the_shipped_list_is_large_and_lower_case():
    words = common_passwords()
    assert len(words) >= 10_000
    assert {"password123", "qwertyuiop", "1234567890"} <= words
    assert all(word == word.lower() for word in words)


def test_a_common_password_is_refused_on_the_change_page(client, make_user, login):
    person = make_user("agent")
    login(person)
    for common in (COMMON, "qwertyuiop", "1234567890"):
        response = client.post(
            "/account/password", data={"current": PASSWORD, "new": common, "confirm": common}
        )
        assert response.status_code == 200
        assert "one of the most common ones" in response.get_data(as_text=True)
    assert (
        client.post(
            "/account/password",
            data={"current": PASSWORD, "new": OWN_PASSWORD, "confirm": OWN_PASSWORD},
        ).status_code
        == 302
    )


def test_a_common_password_is_refused_on_a_reset_link(app, make_user, mailbox):
    person = make_user("agent")
    app.test_client().post("/account/forgot", data={"email": person.email})
    path = link_path(mailbox.one_for(person.email))
    visitor = app.test_client()
    refused = visitor.post(path, data={"new": COMMON, "confirm": COMMON})
    assert refused.status_code == 200
    assert "one of the most common ones" in refused.get_data(as_text=True)
    # The refusal did not spend the link.
    assert (
        visitor.post(path, data={"new": OWN_PASSWORD, "confirm": OWN_PASSWORD}).status_code == 302
    )


def _temporary_password(client, person) -> str:
    page = client.post(f"/admin/people/{person.id}/reset-password").get_data(as_text=True)
    return page.split('id="temporary-password">')[1].split("<")[0]


def test_a_password_set_by_an_admin_must_be_changed_first(app, client, login_as, make_user):
    login_as("admin")
    person = make_user("agent")
    temporary = _temporary_password(client, person)

    own = app.test_client()
    signed_in = own.post("/login", data={"email": person.email, "password": temporary})
    assert signed_in.headers["Location"] == "/account/password"
    for path in ("/", "/courses", "/notifications", "/certificates"):
        response = own.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"] == "/account/password", path
    page = own.get("/account/password").get_data(as_text=True)
    assert "An administrator set your password" in page

    same = own.post(
        "/account/password", data={"current": temporary, "new": temporary, "confirm": temporary}
    )
    assert "different from the current one" in same.get_data(as_text=True)
    changed = own.post(
        "/account/password",
        data={"current": temporary, "new": OWN_PASSWORD, "confirm": OWN_PASSWORD},
    )
    assert changed.status_code == 302
    assert own.get("/").status_code == 200
    assert not db.session.scalar(select(User.password_temporary).where(User.id == person.id))
    assert "An administrator set your password" not in own.get("/account/password").get_data(
        as_text=True
    )


def test_a_person_with_a_temporary_password_can_still_sign_out(app, client, login_as, make_user):
    login_as("admin")
    person = make_user("agent")
    temporary = _temporary_password(client, person)
    own = app.test_client()
    own.post("/login", data={"email": person.email, "password": temporary})
    assert own.post("/logout").status_code == 302
    assert own.get("/account/password").status_code == 302  # to the sign-in page now
    assert "/login" in own.get("/account/password").headers["Location"]


def test_the_admin_page_says_the_password_is_temporary(client, login_as, make_user):
    login_as("admin")
    person = make_user("agent")
    _temporary_password(client, person)
    page = client.get(f"/admin/people/{person.id}").get_data(as_text=True)
    assert "Has a temporary password" in page
