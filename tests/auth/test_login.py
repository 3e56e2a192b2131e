import re

from app.extensions import db
from tests.conftest import PASSWORD, IsolatedClient, make_config

GENERIC = "البريد الإلكتروني أو كلمة المرور غير صحيحة."  # Arabic is the default language


def test_sign_in_with_right_password_opens_home(client, make_user, login):
    user = make_user("agent")
    response = login(user)
    assert response.headers["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 200
    assert user.name_en in home.get_data(as_text=True)


def test_wrong_password_and_unknown_email_get_the_same_message(client, make_user):
    user = make_user("agent")
    wrong = client.post("/login", data={"email": user.email, "password": "nope-nope-nope"})
    unknown = client.post("/login", data={"email": "ghost@khidma.example", "password": PASSWORD})
    for response in (wrong, unknown):
        assert response.status_code == 200
        assert GENERIC in response.get_data(as_text=True)


def test_deactivated_user_cannot_sign_in(client, make_user):
    user = make_user("agent", active=False)
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert GENERIC in response.get_data(as_text=True)


def test_sign_in_is_throttled_per_account(client, make_user):
    user = make_user("agent")
    for _ in range(5):
        client.post("/login", data={"email": user.email, "password": "wrong-password!"})
    blocked = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert blocked.status_code == 429
    other = make_user("agent")
    assert (
        client.post("/login", data={"email": other.email, "password": PASSWORD}).status_code == 302
    )


def test_sign_in_is_throttled_per_address(client, make_user):
    users = [make_user("agent") for _ in range(21)]
    for user in users[:20]:
        client.post("/login", data={"email": user.email, "password": "wrong-password!"})
    blocked = client.post("/login", data={"email": users[20].email, "password": PASSWORD})
    assert blocked.status_code == 429


def test_successful_sign_ins_do_not_count_toward_the_limit(client, make_user, login):
    user = make_user("agent")
    for _ in range(8):
        login(user)
        client.post("/logout")


def _session_cookie(client) -> str | None:
    cookie = client.get_cookie("session")
    return cookie.value if cookie else None


def test_session_is_renewed_at_sign_in(client, make_user, login):
    user = make_user("agent")
    client.get("/login")  # the anonymous visit gets a session with a CSRF token
    before = _session_cookie(client)
    login(user)
    after = _session_cookie(client)
    assert before and after and before != after


def test_password_change_ends_other_sessions(app, make_user):
    user = make_user("agent")
    first, second = app.test_client(), app.test_client()
    for c in (first, second):
        c.post("/login", data={"email": user.email, "password": PASSWORD})
    response = first.post(
        "/account/password",
        data={"current": PASSWORD, "new": "another-long-secret", "confirm": "another-long-secret"},
    )
    assert response.status_code == 302
    assert first.get("/").status_code == 200
    assert second.get("/").status_code == 302  # signed out: back to the sign-in page


def test_new_password_must_be_ten_characters(client, make_user, login):
    user = make_user("agent")
    login(user)
    response = client.post(
        "/account/password", data={"current": PASSWORD, "new": "short", "confirm": "short"}
    )
    assert response.status_code == 200
    assert "Use at least 10 and at most 200 characters." in response.get_data(as_text=True)


def test_next_only_redirects_within_the_site(client, make_user):
    user = make_user("agent")
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:x"):
        client.post("/logout")
        response = client.post(
            f"/login?next={target}", data={"email": user.email, "password": PASSWORD}
        )
        assert response.headers["Location"] == "/", target
    client.post("/logout")
    response = client.post(
        "/login?next=/admin/people", data={"email": user.email, "password": PASSWORD}
    )
    assert response.headers["Location"] == "/admin/people"


def test_anonymous_page_request_redirects_to_sign_in(client):
    response = client.get("/admin/people")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_session_cookie_flags(client, make_user, login):
    user = make_user("agent")
    response = login(user)
    header = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("session="))
    assert "HttpOnly" in header
    assert re.search(r"SameSite=Lax", header)


def test_secure_cookie_when_configured(database_url, make_user):
    from app import create_app

    secure_app = create_app(make_config(database_url, SESSION_COOKIE_SECURE=True))
    secure_app.test_client_class = IsolatedClient
    with secure_app.app_context():
        user = make_user("agent")
        response = secure_app.test_client().post(
            "/login", data={"email": user.email, "password": PASSWORD}
        )
        cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("session="))
        assert "Secure" in cookie
        db.session.remove()


def test_throttling_is_shared_through_redis_when_configured(database_url, make_user):
    """Two app instances (two workers) count failures together in Redis."""
    import redis

    from app import create_app

    url = "redis://127.0.0.1:6379/15"
    redis.Redis.from_url(url).flushdb()
    workers = []
    for _ in range(2):
        worker = create_app(make_config(database_url, RATELIMIT_STORAGE_URI=url))
        worker.test_client_class = IsolatedClient
        workers.append(worker.test_client())
    user = make_user("agent")
    for n in range(5):
        workers[n % 2].post("/login", data={"email": user.email, "password": "wrong-password!"})
    blocked = workers[0].post("/login", data={"email": user.email, "password": PASSWORD})
    assert blocked.status_code == 429
    assert redis.Redis.from_url(url).keys("*login-account*")
    redis.Redis.from_url(url).flushdb()
