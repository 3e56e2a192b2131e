"""Single sign-on, end to end against an OpenID Connect provider running on 127.0.0.1.

The browser is the Flask test client; the hop to the provider's authorize endpoint is a real
HTTP request (the provider signs in the person the test chose and sends the browser back with a
code); the app then exchanges the code at the provider's token endpoint over HTTP and checks
the ID token against the provider's published keys.
"""

from __future__ import annotations

import logging
import socket
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from sqlalchemy import func, select

from app import create_app
from app.audit.models import AuditEntry
from app.extensions import db
from app.people.models import User
from tests.auth.oidc_provider import OidcProvider, Person
from tests.conftest import PASSWORD, IsolatedClient, make_config

CLIENT_ID, CLIENT_SECRET = "khidma-test", "provider-shared-secret"
BASE_URL = "http://localhost"  # the test client's host
CALLBACK = f"{BASE_URL}/auth/oidc/callback"
UNTRUSTED = "The answer of the sign-in service could not be verified. Please start again."


@pytest.fixture(scope="module")
def provider():
    started = OidcProvider(CLIENT_ID, CLIENT_SECRET, redirect_uris=[CALLBACK]).start()
    yield started
    started.stop()


@pytest.fixture
def make_sso_app(database_url, app, provider):
    """An app configured for the test provider (the plain `app` fixture cleans the database)."""
    provider.reset()
    contexts = []

    def make(**overrides):
        settings = {
            "OIDC_ISSUER": provider.issuer,
            "OIDC_CLIENT_ID": CLIENT_ID,
            "OIDC_CLIENT_SECRET": CLIENT_SECRET,
            "OIDC_PROVIDER_NAME": "Contoso",
            "PUBLIC_BASE_URL": BASE_URL,
            "BABEL_DEFAULT_LOCALE": "en",
            **overrides,
        }
        sso_app = create_app(make_config(database_url, **settings))
        sso_app.test_client_class = IsolatedClient
        context = sso_app.app_context()
        context.push()
        contexts.append(context)
        return sso_app

    yield make
    for context in reversed(contexts):
        db.session.remove()
        db.engine.dispose()
        context.pop()


@pytest.fixture
def sso_client(make_sso_app):
    return make_sso_app().test_client()


def to_provider(client, start: str = "/auth/oidc/login") -> str:
    """Click the button; the app sends the browser to the provider's authorize endpoint."""
    response = client.get(start)
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return response.headers["Location"]


def at_provider(provider, authorize_url: str) -> str:
    """The browser at the provider: a real HTTP request; the provider sends it back."""
    assert authorize_url.startswith(f"{provider.issuer}/authorize?")
    response = requests.get(authorize_url, allow_redirects=False, timeout=5)
    assert response.status_code == 302, response.text
    back = response.headers["Location"]
    assert back.startswith(f"{CALLBACK}?")
    return back


def back_at_app(client, callback_url: str):
    parts = urlsplit(callback_url)
    return client.get(f"{parts.path}?{parts.query}", follow_redirects=True)


def sign_in_with_provider(client, provider, start: str = "/auth/oidc/login"):
    return back_at_app(client, at_provider(provider, to_provider(client, start)))


def signed_in(client) -> bool:
    return client.get("/").status_code == 200


def audit_entries(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def refusal_reasons(caplog) -> str:
    return " ".join(r.getMessage() for r in caplog.records if "single sign-on" in r.getMessage())


# --- the sign-in page -------------------------------------------------------------------------


def test_sign_in_page_offers_the_company_account_when_configured(sso_client):
    page = sso_client.get("/login").get_data(as_text=True)
    assert "Sign in with Contoso" in page
    assert 'href="/auth/oidc/login"' in page


def test_without_configuration_there_is_no_button_and_no_sso_route(client):
    page = client.get("/login").get_data(as_text=True)
    assert "/auth/oidc/login" not in page
    assert client.get("/auth/oidc/login").status_code == 404
    assert client.get("/auth/oidc/callback?code=x&state=y").status_code == 404


def test_the_provider_is_asked_for_a_code_with_state_nonce_and_pkce(sso_client, provider):
    query = parse_qs(urlsplit(to_provider(sso_client)).query)
    assert query["client_id"] == [CLIENT_ID]
    assert query["redirect_uri"] == [CALLBACK]
    assert query["response_type"] == ["code"]
    assert set(query["scope"][0].split()) == {"openid", "email", "profile"}
    assert query["state"][0] and query["nonce"][0]
    assert query["code_challenge_method"] == ["S256"]


# --- who gets in ------------------------------------------------------------------------------


def test_a_known_email_signs_in_and_the_sign_in_is_audited(sso_client, provider, make_user):
    user = make_user("agent", email="layla@khidma.example")
    provider.person = Person(email="Layla@Khidma.example", name="Layla")
    page = sign_in_with_provider(sso_client, provider)
    assert page.status_code == 200
    assert user.name_en in page.get_data(as_text=True)
    assert signed_in(sso_client)
    assert provider.token_requests == 1
    [entry] = audit_entries("sso_sign_in")
    assert entry.object_id == str(user.id) and entry.actor_id == user.id
    assert entry.after == {
        "email": "layla@khidma.example",
        "issuer": provider.issuer,
        "subject": provider.person.subject,
    }


def test_sign_in_returns_to_the_page_asked_for(sso_client, provider, make_user):
    user = make_user("agent")
    provider.person = Person(email=user.email)
    assert sso_client.get("/notifications").status_code == 302
    login_page = sso_client.get("/login?next=/notifications").get_data(as_text=True)
    assert 'href="/auth/oidc/login?next=/notifications"' in login_page
    start = "/auth/oidc/login?" + urlencode({"next": "/notifications"})
    page = sign_in_with_provider(sso_client, provider, start=start)
    assert page.request.path == "/notifications"


def test_an_unknown_email_is_refused_and_no_account_is_made(sso_client, provider, make_user):
    make_user("agent")
    provider.person = Person(email="stranger@elsewhere.example")
    page = sign_in_with_provider(sso_client, provider).get_data(as_text=True)
    assert "No active Khidma account uses the e-mail address stranger@elsewhere.example" in page
    assert not signed_in(sso_client)
    assert db.session.scalar(select(func.count(User.id))) == 1
    [entry] = audit_entries("sso_sign_in_refused")
    assert entry.after["email"] == "stranger@elsewhere.example"
    assert entry.reason == "no account has this e-mail"


def test_a_deactivated_account_is_refused_even_when_accounts_are_created(
    make_sso_app, provider, make_user
):
    client = make_sso_app(OIDC_CREATE_ACCOUNTS=True).test_client()
    user = make_user("agent", active=False)
    provider.person = Person(email=user.email)
    page = sign_in_with_provider(client, provider).get_data(as_text=True)
    assert f"No active Khidma account uses the e-mail address {user.email}" in page
    assert not signed_in(client)
    assert db.session.scalar(select(func.count(User.id))) == 1
    assert audit_entries("sso_sign_in_refused")[0].reason == "the account is deactivated"


def test_an_unknown_email_becomes_an_agent_when_accounts_are_created(make_sso_app, provider):
    client = make_sso_app(OIDC_CREATE_ACCOUNTS=True).test_client()
    provider.person = Person(email="new.hire@khidma.example", name="سارة علي", locale="ar-SA")
    page = sign_in_with_provider(client, provider)
    assert "سارة علي" in page.get_data(as_text=True)
    assert signed_in(client)
    user = db.session.scalar(select(User).where(User.email == "new.hire@khidma.example"))
    assert (user.role, user.locale, user.name_ar, user.password_hash) == (
        "agent", "ar", "سارة علي", None
    )  # fmt: skip
    assert user.employee_no.startswith("SSO-")
    [entry] = audit_entries("sso_sign_in")
    assert entry.reason == "account created at first sign-in"
    assert [e.object_id for e in audit_entries("person_created")] == [str(user.id)]

    client.post("/logout")
    sign_in_with_provider(client, provider)  # the second time, the same account
    assert signed_in(client)
    assert db.session.scalar(select(func.count(User.id))) == 1


def test_an_unverified_email_is_refused(make_sso_app, provider, make_user):
    client = make_sso_app(OIDC_CREATE_ACCOUNTS=True).test_client()
    user = make_user("agent")
    provider.person = Person(email=user.email, email_verified=False)
    page = sign_in_with_provider(client, provider).get_data(as_text=True)
    assert "did not give a verified e-mail address" in page
    assert not signed_in(client)


# --- ID tokens that must not be believed ------------------------------------------------------


@pytest.mark.parametrize(
    ("fault", "logged"),
    [
        ("audience", "'aud'"),
        ("audience-with-azp", "'aud'"),  # Authlib's own checks would let this one through
        ("expired", "ExpiredTokenError"),
        ("signature", "BadSignatureError"),
        ("nonce", "'nonce'"),
        ("issuer", "'iss'"),
    ],
)
def test_an_untrustworthy_id_token_is_refused(
    sso_client, provider, make_user, caplog, fault, logged
):
    user = make_user("agent")
    provider.person, provider.fault = Person(email=user.email), fault
    with caplog.at_level(logging.WARNING):
        page = sign_in_with_provider(sso_client, provider).get_data(as_text=True)
    assert UNTRUSTED in page
    assert not signed_in(sso_client)
    assert provider.token_requests == 1
    assert logged in refusal_reasons(caplog)
    assert not audit_entries("sso_sign_in")


def test_the_same_provider_answers_rightly_once_the_fault_is_gone(sso_client, provider, make_user):
    """The refusals above come from the faults, not from the set-up."""
    user = make_user("agent")
    provider.person, provider.fault = Person(email=user.email), "expired"
    sign_in_with_provider(sso_client, provider)
    assert not signed_in(sso_client)
    provider.fault = None
    sign_in_with_provider(sso_client, provider)
    assert signed_in(sso_client)


# --- state: a sign-in must come back to the browser that started it ---------------------------


def test_a_tampered_state_is_refused(sso_client, provider, make_user, caplog):
    user = make_user("agent")
    provider.person = Person(email=user.email)
    back = at_provider(provider, to_provider(sso_client))
    query = parse_qs(urlsplit(back).query)
    forged = urlencode({"code": query["code"][0], "state": "forged-state"})
    with caplog.at_level(logging.WARNING):
        page = sso_client.get(f"/auth/oidc/callback?{forged}", follow_redirects=True)
    assert "This sign-in was not started here or has expired" in page.get_data(as_text=True)
    assert "state does not match" in refusal_reasons(caplog)
    assert not signed_in(sso_client)
    assert provider.token_requests == 0  # the code was never exchanged


def test_a_callback_carried_to_another_browser_is_refused(make_sso_app, provider, make_user):
    """Login CSRF: an attacker's code and state, planted in the victim's browser."""
    sso_app = make_sso_app()
    attacker, victim = sso_app.test_client(), sso_app.test_client()
    provider.person = Person(email=make_user("agent").email)
    back = at_provider(provider, to_provider(attacker))
    page = back_at_app(victim, back)
    assert "This sign-in was not started here or has expired" in page.get_data(as_text=True)
    assert not signed_in(victim)
    assert provider.token_requests == 0


def test_a_callback_cannot_be_used_twice(sso_client, provider, make_user):
    provider.person = Person(email=make_user("agent").email)
    back = at_provider(provider, to_provider(sso_client))
    back_at_app(sso_client, back)
    assert signed_in(sso_client)
    sso_client.post("/logout")
    page = back_at_app(sso_client, back)
    assert "This sign-in was not started here or has expired" in page.get_data(as_text=True)
    assert not signed_in(sso_client)


def test_failed_callbacks_are_throttled_per_address(make_sso_app):
    client = make_sso_app(LOGIN_LIMIT_PER_ADDRESS="3 per 15 minutes").test_client()
    for _ in range(3):
        assert client.get("/auth/oidc/callback?code=x&state=y").status_code == 302
    assert client.get("/auth/oidc/callback?code=x&state=y").status_code == 429


# --- the provider says no, or is away ---------------------------------------------------------


def test_a_refusal_by_the_provider_is_shown(sso_client, provider, caplog):
    provider.person = None  # the person cancels at the provider
    with caplog.at_level(logging.WARNING):
        page = sign_in_with_provider(sso_client, provider).get_data(as_text=True)
    assert "The sign-in service refused the sign-in" in page
    assert "access_denied" in refusal_reasons(caplog)
    assert not signed_in(sso_client)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_an_unreachable_provider_gets_a_clear_message(make_sso_app):
    client = make_sso_app(OIDC_ISSUER=f"http://127.0.0.1:{_closed_port()}").test_client()
    page = client.get("/auth/oidc/login", follow_redirects=True)
    assert page.request.path == "/login"
    assert "The sign-in service could not be reached" in page.get_data(as_text=True)


# --- SSO as the only way in -------------------------------------------------------------------


def test_sso_only_refuses_password_sign_in_for_an_agent_but_not_an_admin(
    make_sso_app, provider, make_user
):
    client = make_sso_app(OIDC_ONLY=True).test_client()
    agent, admin = make_user("agent"), make_user("admin")

    refused = client.post("/login", data={"email": agent.email, "password": PASSWORD})
    assert refused.status_code == 200
    assert (
        "Password sign-in is turned off for your account. Sign in with Contoso."
        in refused.get_data(as_text=True)
    )
    assert not signed_in(client)

    wrong = client.post("/login", data={"email": agent.email, "password": "not-the-password"})
    assert "Email or password is incorrect." in wrong.get_data(as_text=True)

    provider.person = Person(email=agent.email)
    sign_in_with_provider(client, provider)
    assert signed_in(client)

    admin_client = client.application.test_client()
    response = admin_client.post("/login", data={"email": admin.email, "password": PASSWORD})
    assert response.status_code == 302
    assert signed_in(admin_client)


def test_without_sso_only_agents_keep_their_password(sso_client, make_user):
    agent = make_user("agent")
    response = sso_client.post("/login", data={"email": agent.email, "password": PASSWORD})
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"OIDC_ONLY": True}, "OIDC_ONLY is on but OIDC_ISSUER is not set"),
        (
            {"OIDC_ISSUER": "https://id.example", "OIDC_CLIENT_ID": "khidma"},
            "OIDC_ISSUER is set but OIDC_CLIENT_SECRET is not",
        ),
        (
            {"OIDC_ISSUER": "http://id.example", "OIDC_CLIENT_ID": "k", "OIDC_CLIENT_SECRET": "s"},
            "OIDC_ISSUER must be an https:// address",
        ),
    ],
)
def test_a_half_configuration_stops_the_app_at_start(database_url, app, settings, message):
    with pytest.raises(RuntimeError, match=message):
        create_app(make_config(database_url, **settings))


def test_the_button_and_the_refusal_speak_arabic(make_sso_app, provider):
    client = make_sso_app(BABEL_DEFAULT_LOCALE="ar").test_client()
    assert "تسجيل الدخول عبر Contoso" in client.get("/login").get_data(as_text=True)
    provider.person = Person(email="stranger@elsewhere.example")
    page = sign_in_with_provider(client, provider).get_data(as_text=True)
    assert "لا يوجد حساب نشط في خدمة بعنوان البريد الإلكتروني stranger@elsewhere.example" in page
