"""Signing out ends the session on the server: a copy of the session cookie taken while signed
in (from a shared computer, a proxy log, a stolen backup) opens nothing afterwards."""

from tests.conftest import PASSWORD


def _copy_of_session_cookie(client) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def _sent_to_sign_in(response) -> bool:
    return response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_a_copied_session_cookie_stops_working_after_sign_out(app, client, make_user, login):
    login(make_user("agent"))
    assert client.get("/certificates").status_code == 200
    copied = _copy_of_session_cookie(client)

    assert client.post("/logout").status_code == 302

    thief = app.test_client()
    thief.set_cookie("session", copied)
    assert _sent_to_sign_in(thief.get("/certificates"))


def test_after_sign_out_the_person_signs_in_again(client, make_user, login):
    user = make_user("agent")
    login(user)
    client.post("/logout")
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/certificates").status_code == 200
