"""With CSRF protection on (as in production), every state-changing route refuses a request
without a valid token. The routes are discovered from the URL map, not listed by hand."""

import pytest

from app import create_app
from app.extensions import db
from tests.conftest import PASSWORD, IsolatedClient, make_config


@pytest.fixture
def csrf_app(database_url, _session_app):
    app = create_app(make_config(database_url, WTF_CSRF_ENABLED=True))
    app.test_client_class = IsolatedClient
    with app.app_context():
        yield app
        db.session.remove()


def _post_rules(app):
    """Every POST route but the JSON API's, which takes a token instead of a session cookie."""
    return [
        r for r in app.url_map.iter_rules()
        if "POST" in r.methods and r.endpoint != "static" and not r.endpoint.startswith("api.")
    ]  # fmt: skip


def test_every_post_route_requires_a_csrf_token(csrf_app, app, make_user):
    admin = make_user("admin")
    client = csrf_app.test_client()
    login_page = client.get("/login").get_data(as_text=True)
    token = login_page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    signed_in = client.post(
        "/login", data={"email": admin.email, "password": PASSWORD, "csrf_token": token}
    )
    assert signed_in.status_code == 302
    rules = _post_rules(csrf_app)
    assert len(rules) >= 10
    for rule in rules:
        args = {name: 1 if name.endswith("id") else "x" for name in rule.arguments}
        url = rule.build(args)[1]
        response = client.post(url, data={})
        assert response.status_code == 400, f"{rule.endpoint} accepted a POST without a token"


def test_sign_in_without_token_is_refused(csrf_app, app, make_user):
    user = make_user("agent")
    response = csrf_app.test_client().post(
        "/login", data={"email": user.email, "password": PASSWORD}
    )
    assert response.status_code == 400


def test_the_api_takes_a_token_instead_of_a_csrf_token(csrf_app, app, make_user):
    """The API is exempt from CSRF, and a session cookie does not open it: a cross-site form
    posted from a signed-in admin's browser gets 401, a system's token gets through."""
    from app.api import tokens

    admin = make_user("admin")
    _row, secret = tokens.create_token("HR", ["people:write"], actor=admin)
    db.session.commit()
    client = csrf_app.test_client()
    login_page = client.get("/login").get_data(as_text=True)
    token = login_page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    client.post("/login", data={"email": admin.email, "password": PASSWORD, "csrf_token": token})
    body = {"people": [{"employee_no": "E1", "email": "e1@khidma.example", "role": "agent",
                        "hire_date": "2026-01-05", "name_en": "New Hire"}]}  # fmt: skip
    assert client.post("/api/v1/people/upsert", json=body).status_code == 401
    sent = client.post(
        "/api/v1/people/upsert", json=body, headers={"Authorization": f"Bearer {secret}"}
    )
    assert sent.status_code == 200, sent.get_data(as_text=True)
    assert sent.json["created"] == ["E1"]


def _page_token(page: str) -> str:
    return page.split('name="csrf_token" value="')[1].split('"')[0]


def test_the_layouts_form_token_works_on_every_page_and_only_in_its_own_session(
    csrf_app, app, make_user
):
    """The language form of the layout, shown on page after page: its token is accepted in
    the session it was given to, again and again, and refused in another session."""
    user, other = make_user("agent"), make_user("agent")
    mine, theirs = csrf_app.test_client(), csrf_app.test_client()
    for client, person in ((mine, user), (theirs, other)):
        login_page = client.get("/login").get_data(as_text=True)
        token = login_page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
        data = {"email": person.email, "password": PASSWORD, "csrf_token": token}
        assert client.post("/login", data=data).status_code == 302
    tokens = [_page_token(mine.get("/").get_data(as_text=True)) for _ in range(3)]
    for token in tokens:
        switched = mine.post("/language", data={"locale": "en", "next": "/", "csrf_token": token})
        assert switched.status_code == 302
    refused = theirs.post("/language", data={"locale": "en", "csrf_token": tokens[0]})
    assert refused.status_code == 400
    own = _page_token(theirs.get("/").get_data(as_text=True))
    assert own != tokens[0]
    assert theirs.post("/language", data={"locale": "en", "csrf_token": own}).status_code == 302
