"""Every route, every role: who gets in and who is turned away.

A route that is missing from EXPECTED fails the test, so a new view cannot ship without a
decision about who may use it.
"""

from datetime import UTC, datetime

import pytest

from app.api import tokens
from app.content.services import sync_content
from app.conversations import calibration
from app.conversations.models import Conversation, ConversationTurn, Scorecard
from app.extensions import db
from app.people.models import ROLES, Team

PUBLIC = {"anonymous", *ROLES}
SIGNED_IN = set(ROLES)
ADMIN = {"admin"}
NOBODY: set[str] = set()

EXPECTED = {
    "main.home": SIGNED_IN,
    "main.set_language": PUBLIC,
    "main.health": PUBLIC,
    "auth.login": PUBLIC,
    "auth.logout": SIGNED_IN,
    "auth.change_password": SIGNED_IN,
    "auth.oidc_login": PUBLIC,  # 404 unless single sign-on is configured
    "auth.oidc_callback": PUBLIC,
    "auth.forgot_password": PUBLIC,
    "auth.accept_invitation": PUBLIC,
    "auth.reset_password": PUBLIC,
    "people.list_people": ADMIN,
    "people.new_person": ADMIN,
    "people.edit_person": ADMIN,
    "people.set_active": ADMIN,
    "auth.admin_reset_password": ADMIN,
    "people.invite": ADMIN,
    "people.teams": ADMIN,
    "people.edit_team": ADMIN,
    "people.departments": ADMIN,
    "people.edit_department": ADMIN,
    "people.import_people": ADMIN,
    "people.confirm_import": ADMIN,
    "audit.audit_log": {"hr", "admin"},
    "audit.audit_csv": {"hr", "admin"},
    "audit.audit_xlsx": {"hr", "admin"},
    "labelling.agreement_page": ADMIN,
    "content.status": ADMIN,
    "content.sync": ADMIN,
    "notifications.inbox": SIGNED_IN,
    "notifications.mark_read": SIGNED_IN,
    "courses.catalogue": SIGNED_IN,
    "courses.course": SIGNED_IN,
    "courses.lesson": SIGNED_IN,
    "courses.mark_done": SIGNED_IN,
    "courses.media": SIGNED_IN,
    "reports.team_progress": {"manager"},
    "reports.agent_detail": {"manager", "hr", "admin"},
    "quizzes.take": SIGNED_IN,
    "quizzes.submit": SIGNED_IN,
    "quizzes.send_turn": SIGNED_IN,
    "quizzes.save_draft": SIGNED_IN,
    "quizzes.result": SIGNED_IN,
    "quizzes.flag": SIGNED_IN,
    "quizzes.review_queue": {"manager"},
    "quizzes.review_answer": {"manager"},
    "quizzes.override": {"manager"},
    # standards
    "standards.profile": {"agent"},
    "standards.agent_profile": {"manager", "hr", "admin"},
    "standards.heatmap": {"manager"},
    "standards.company": {"hr", "admin"},
    "standards.acknowledge": SIGNED_IN,
    "standards.acknowledgements": {"hr", "admin"},
    "standards.acknowledgements_export": {"hr", "admin"},
    "standards.new_observation": {"manager"},
    "standards.observation": SIGNED_IN,
    "standards.edit_observation": {"manager"},
    "standards.correct_observation": {"manager"},
    "standards.scorecard": {"hr", "admin"},
    "standards.import_kpis": {"hr", "admin"},
    "standards.confirm_kpis": {"hr", "admin"},
    # assignments, certification, reports
    "assignments.new_assignment": {"manager", "hr", "admin"},
    "assignments.list_assignments": {"manager", "hr", "admin"},
    "assignments.cancel": {"manager", "hr", "admin"},
    "assignments.change_due": {"manager", "hr", "admin"},
    "certification.my_certificates": SIGNED_IN,
    "certification.certificate_pdf": SIGNED_IN,
    "certification.certificate_detail": {"manager", "hr", "admin"},
    "certification.revoke": {"hr", "admin"},
    "certification.verify": PUBLIC,
    "reports.certification": {"manager", "hr", "admin"},
    "certification.expiring": {"manager", "hr", "admin"},
    "reports.certification_csv": {"manager", "hr", "admin"},
    "reports.certification_xlsx": {"manager", "hr", "admin"},
    "reports.filter_choices": {"manager", "hr", "admin"},
    # conversations
    "conversations.import_conversations": {"manager", "admin"},
    "conversations.list_conversations": {"manager", "hr", "admin"},
    "conversations.mine": {"agent"},
    "conversations.detail": SIGNED_IN,
    "conversations.review": {"manager"},
    "conversations.dispute": {"agent"},
    "conversations.disputes": {"manager"},
    "conversations.resolve": {"manager"},
    "conversations.queue": {"manager"},
    # calibration: managers and admins; a session only for its lead and reviewers (see below)
    "calibration.sessions": {"manager", "admin"},
    "calibration.new": {"manager", "admin"},
    "calibration.session": {"manager", "admin"},
    "calibration.item": {"manager", "admin"},
    "calibration.discuss": {"manager", "admin"},
    "calibration.agree": {"manager", "admin"},
    "calibration.close_scoring": {"manager", "admin"},
    "calibration.close": {"manager", "admin"},
    "calibration.consistency": {"manager", "admin"},
    # API tokens (the admin page) and the JSON API, which no session opens: API_SCOPES below
    "api_tokens.list_tokens": ADMIN,
    "api_tokens.revoke": ADMIN,
    "api.openapi_document": PUBLIC,
    "api.upsert_people": NOBODY,
    "api.deactivate_person": NOBODY,
    "api.create_assignments": NOBODY,
    "api.list_assignments": NOBODY,
    "api.certification_status": NOBODY,
    "api.person_certifications": NOBODY,
    "api.standards_status": NOBODY,
    "api.person_standards": NOBODY,
    "api.list_attempts": NOBODY,
    "api.person_attempts": NOBODY,
    "api.import_conversations": NOBODY,
}

# Which token scopes open each API endpoint (None: no token needed).
API_SCOPES = {
    "api.openapi_document": None,
    "api.upsert_people": {"people:write"},
    "api.deactivate_person": {"people:write"},
    "api.create_assignments": {"assignments:write"},
    "api.list_assignments": {"assignments:write", "reports:read"},
    "api.certification_status": {"reports:read"},
    "api.person_certifications": {"reports:read"},
    "api.standards_status": {"reports:read"},
    "api.person_standards": {"reports:read"},
    "api.list_attempts": {"reports:read"},
    "api.person_attempts": {"reports:read"},
    "api.import_conversations": {"conversations:write"},
}


def _rules(app):
    return sorted(
        (rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"),
        key=lambda rule: rule.endpoint,
    )


def test_every_route_has_an_expectation(app):
    missing = [rule.endpoint for rule in _rules(app) if rule.endpoint not in EXPECTED]
    assert not missing, f"add these endpoints to EXPECTED: {missing}"
    stale = set(EXPECTED) - {rule.endpoint for rule in _rules(app)}
    assert not stale, f"EXPECTED names endpoints that no longer exist: {stale}"


@pytest.fixture
def world(make_user, make_team, content_root):
    """One person of each role and the objects URLs point at."""
    sync_content(content_root)
    db.session.commit()
    manager = make_user("manager")
    team = make_team(code="matrix", manager=manager)
    agent = make_user("agent", team=team)
    users = {"agent": agent, "manager": manager, "hr": make_user("hr"), "admin": make_user("admin")}
    return {"users": users, "team": team, "agent": agent}


def _url_args(rule, world) -> dict:
    values = {
        "user_id": world["agent"].id,
        "item_id": world["team"].id if "team" in rule.endpoint else world["team"].department_id,
        "token": "no-such-token",
        "course_id": "basics",
        "slug": "first",
        "filename": "none.png",
        "quiz_id": "basics-quiz",
        "question_id": "q1",
        "attempt_id": 999999,
        "answer_id": 999999,
        "observation_id": 999999,
        "assignment_id": 999999,
        "certificate_id": 999999,
        "code": "NONE-NONE-NONE",
        "employee_no": world["agent"].employee_no,
        "token_id": 999999,
        "kind": "csv",
        "choice_kind": "team",
        "conversation_id": 999999,
        "dispute_id": 999999,
        "session_id": 999999,
    }
    return {name: values[name] for name in rule.arguments}


def _request(client, rule, url):
    if "GET" in rule.methods:
        return client.get(url)
    return client.post(url, data={})


@pytest.mark.parametrize("role", ["anonymous", *ROLES])
def test_route_matrix(app, client, world, login, role):
    if role != "anonymous":
        login(world["users"][role])
    failures = []
    for rule in _rules(app):
        if rule.endpoint == "auth.logout":
            continue  # signing out here would end the session the other rules are tried with
        url = rule.build(_url_args(rule, world))[1]
        response = _request(client, rule, url)
        allowed = role in EXPECTED[rule.endpoint]
        denied_as = _denied(response)
        if allowed and denied_as:
            failures.append(f"{rule.endpoint} {url}: expected access, got {response.status_code}")
        if not allowed and not denied_as:
            failures.append(f"{rule.endpoint} {url}: expected denial, got {response.status_code}")
        if response.status_code >= 500:
            failures.append(f"{rule.endpoint} {url}: server error")
    assert not failures, "\n".join(failures)


def _denied(response) -> bool:
    to_login = response.status_code == 302 and "/login" in response.headers.get("Location", "")
    return response.status_code in (401, 403) or to_login


def test_logout_requires_sign_in(client):
    assert _denied(client.post("/logout"))


def test_team_with_no_manager_is_fine_for_the_matrix(world):
    assert db.session.get(Team, world["team"].id).manager_id == world["users"]["manager"].id


# --- the JSON API: every endpoint, every scope, no token, a revoked token ----------------------


def _api_rules(app):
    return [rule for rule in _rules(app) if rule.endpoint.startswith("api.")]


def test_every_api_route_has_a_scope_expectation(app):
    endpoints = {rule.endpoint for rule in _api_rules(app)}
    assert endpoints == set(API_SCOPES), "declare each API endpoint's scopes in API_SCOPES"


def _api_failures(app, client, world, secret, allowed) -> list[str]:
    failures = []
    for rule in _api_rules(app):
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            scopes = API_SCOPES[rule.endpoint]
            url = rule.build(_url_args(rule, world))[1]
            headers = {"Authorization": f"Bearer {secret}"} if secret else {}
            response = client.open(url, method=method, headers=headers, json={})
            expected = scopes is None or allowed(scopes)
            denied = response.status_code in (401, 403)
            if expected == denied or response.status_code >= 500:
                failures.append(f"{method} {url} ({rule.endpoint}): {response.status_code}")
            if denied and not response.is_json:
                failures.append(f"{method} {url}: a refusal that is not JSON")
    return failures


def _token(world, scopes):
    row, secret = tokens.create_token("matrix", sorted(scopes), actor=world["users"]["admin"])
    db.session.commit()
    return row, secret


@pytest.mark.parametrize(
    "scope", ["people:write", "reports:read", "assignments:write", "conversations:write"]
)
def test_api_matrix_one_scope(app, client, world, scope):
    _row, secret = _token(world, {scope})
    failures = _api_failures(app, client, world, secret, lambda needed: scope in needed)
    assert not failures, "\n".join(failures)


def test_api_matrix_every_scope(app, client, world):
    _row, secret = _token(world, set(tokens.SCOPES))
    failures = _api_failures(app, client, world, secret, lambda needed: True)
    assert not failures, "\n".join(failures)


def test_api_matrix_no_token(app, client, world):
    failures = _api_failures(app, client, world, None, lambda needed: False)
    assert not failures, "\n".join(failures)


def test_api_matrix_revoked_token(app, client, world):
    row, secret = _token(world, set(tokens.SCOPES))
    tokens.revoke_token(row, actor=world["users"]["admin"])
    db.session.commit()
    failures = _api_failures(app, client, world, secret, lambda needed: False)
    assert not failures, "\n".join(failures)


def test_api_matrix_signed_in_admin_without_token(app, client, world, login):
    login(world["users"]["admin"])
    failures = _api_failures(app, client, world, None, lambda needed: False)
    assert not failures, "\n".join(failures)


# --- a calibration session: its lead and its reviewers, nobody else -----------------------------


@pytest.fixture
def calibrated(world, make_user):
    """A session led by the world's manager with two other managers as reviewers, on one
    conversation of the world's agent."""
    card = Scorecard(key="chat", channel="chat", digest="d", definition={
        "title": {"en": "Chat"}, "pass_mark": 80, "rubric": {"criteria": []},
        "items": [{"id": "prompt", "title": {"en": "Prompt"}, "criterion": None,
                   "standard": "STD-01", "weight": 1, "critical": False}],
    })  # fmt: skip
    db.session.add(card)
    db.session.flush()
    talk = Conversation(external_id="M-1", channel="chat", agent_id=world["agent"].id,
                        started_at=datetime(2026, 3, 1, tzinfo=UTC), language="en", digest="d",
                        scorecard_id=card.id, source="csv")  # fmt: skip
    talk.turns = [ConversationTurn(position=1, speaker="agent", text="Hello")]
    db.session.add(talk)
    reviewers = [make_user("manager"), make_user("manager")]
    lead = world["users"]["manager"]
    session = calibration.create_session(lead, "Matrix", [r.id for r in reviewers], ["M-1"])
    db.session.commit()
    people = {
        "lead": lead,
        "member": reviewers[0],
        "outsider": make_user("manager"),
        **{role: world["users"][role] for role in ("agent", "hr", "admin")},
    }
    return session, people


SESSION_ACCESS = {"lead": True, "member": True, "outsider": False, "admin": False, "agent": False,
                  "hr": False}  # fmt: skip


@pytest.mark.parametrize("who", sorted(SESSION_ACCESS))
def test_a_session_is_seen_by_its_lead_and_reviewers_only(app, client, login, calibrated, who):
    session, people = calibrated
    login(people[who])
    item = session.items[0].id
    failures = []
    for rule in _rules(app):
        if not rule.endpoint.startswith("calibration.") or "session_id" not in rule.arguments:
            continue
        args = {"session_id": session.id, "item_id": item}
        url = rule.build({k: v for k, v in args.items() if k in rule.arguments})[1]
        response = _request(client, rule, url)
        refused = _denied(response) or response.status_code == 404
        if refused == SESSION_ACCESS[who] or response.status_code >= 500:
            failures.append(f"{rule.endpoint} {url}: {response.status_code}")
    assert not failures, "\n".join(failures)
