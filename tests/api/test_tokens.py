"""API tokens: made on the admin page with scopes, shown once, kept only as a hash,
revocable, audited, and counted per token by the rate limit; JSON errors for every refusal."""

import hashlib

from sqlalchemy import select

from app.api.models import ApiToken
from app.audit.models import AuditEntry
from app.extensions import db
from app.people import services as people

OPENAPI = "/api/v1/openapi.json"
STANDARDS = "/api/v1/standards"


def _secret_from(page: str) -> str:
    return page.split('id="api-token-secret">')[1].split("<")[0]


def test_admin_makes_a_token_shown_once_and_stored_hashed(client, login_as, api):
    login_as("admin")
    page = client.post("/admin/api-tokens",
                       data={"name": "Payroll", "scopes": ["reports:read"]})  # fmt: skip
    assert page.status_code == 200
    secret = _secret_from(page.get_data(as_text=True))
    assert secret.startswith("khidma_") and len(secret) > 40
    row = db.session.scalar(select(ApiToken))
    assert row.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert row.scopes == ["reports:read"]
    listing = client.get("/admin/api-tokens").get_data(as_text=True)
    assert "Payroll" in listing and row.prefix in listing and secret not in listing
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "api_token_created"))
    assert entry.after["scopes"] == "reports:read" and secret not in str(entry.after)
    assert api("GET", STANDARDS, secret).status_code == 200


def test_a_token_needs_a_name_and_a_known_scope(client, login_as):
    login_as("admin")
    page = client.post("/admin/api-tokens", data={"name": "", "scopes": ["everything"]})
    assert 'id="api-token-secret"' not in page.get_data(as_text=True)
    assert db.session.scalar(select(ApiToken)) is None


def test_revoked_token_is_refused_and_the_revocation_audited(client, login, token_admin,
                                                            make_token, api):  # fmt: skip
    secret = make_token("reports:read")
    assert api("GET", STANDARDS, secret).status_code == 200
    login(token_admin)
    token = db.session.scalar(select(ApiToken))
    assert client.post(f"/admin/api-tokens/{token.id}/revoke").status_code == 302
    refused = api("GET", STANDARDS, secret)
    assert refused.status_code == 401
    assert refused.json["error"] == "unauthorized"
    assert refused.headers["WWW-Authenticate"].startswith("Bearer")
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "api_token_revoked"))
    assert entry.actor_id == token_admin.id
    assert "Revoked" in client.get("/admin/api-tokens").get_data(as_text=True)


def test_missing_unknown_and_malformed_tokens_get_401_json(api, make_token):
    secret = make_token("reports:read")
    for header in (None, "khidma_not-a-real-token", secret[:-2] + "xx"):
        response = api("GET", STANDARDS, header)
        assert response.status_code == 401, header
        assert response.is_json and response.json["error"] == "unauthorized"
    basic = api("GET", STANDARDS, None, headers={"Authorization": f"Basic {secret}"})
    assert basic.status_code == 401


def test_missing_scope_is_403(api, make_token):
    secret = make_token("people:write")
    response = api("GET", STANDARDS, secret)
    assert response.status_code == 403
    assert response.json["error"] == "forbidden" and "reports:read" in response.json["message"]


def test_a_token_stops_working_when_its_admin_is_no_longer_one(api, make_token, token_admin,
                                                               make_user):  # fmt: skip
    secret = make_token("reports:read")
    people.update_person(token_admin, {"role": "hr"}, actor=make_user("admin"))
    db.session.commit()
    assert api("GET", STANDARDS, secret).status_code == 401


def test_a_signed_in_browser_session_does_not_open_the_api(client, login_as):
    login_as("admin")  # a session cookie, no token
    response = client.get(STANDARDS)
    assert response.status_code == 401
    assert client.post("/api/v1/people/upsert", json={"people": []}).status_code == 401


def test_api_answers_set_no_cookie_and_are_not_cached(api, make_token):
    response = api("GET", STANDARDS, make_token("reports:read"))
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"


def test_requests_are_throttled_per_token(app, api, make_token, monkeypatch):
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "3 per minute")
    first, second = make_token("reports:read"), make_token("reports:read", name="BI")
    for _ in range(3):
        assert api("GET", STANDARDS, first).status_code == 200
    throttled = api("GET", STANDARDS, first)
    assert throttled.status_code == 429
    assert throttled.json["error"] == "too_many_requests"
    assert "Retry-After" in throttled.headers
    assert api("GET", STANDARDS, second).status_code == 200  # another token has its own count


def test_unknown_api_address_and_wrong_method_answer_json(api, make_token):
    secret = make_token()
    missing = api("GET", "/api/v1/no-such-thing", secret)
    assert missing.status_code == 404 and missing.json["error"] == "not_found"
    wrong = api("DELETE", "/api/v1/standards", secret)
    assert wrong.status_code == 405 and wrong.json["error"] == "method_not_allowed"
    person = api("GET", "/api/v1/people/NOBODY/standards", secret)
    assert person.status_code == 404 and "NOBODY" in person.json["message"]


def test_the_openapi_document_needs_no_token(client):
    response = client.get(OPENAPI)
    assert response.status_code == 200 and response.json["openapi"] == "3.1.0"
