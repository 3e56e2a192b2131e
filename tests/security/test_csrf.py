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
    return [r for r in app.url_map.iter_rules() if "POST" in r.methods and r.endpoint != "static"]


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
