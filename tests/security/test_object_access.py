"""Object checks: people reach only their own records (agents) or their teams' (managers).
Asking for anyone else's attempt, certificate, profile or observation form gives 404 or 403."""

from datetime import UTC, datetime, timedelta

import pytest

from app import clock
from app.certification import services as certification
from app.certification.models import Certificate
from app.content.services import sync_content
from app.extensions import db
from app.quizzes.models import Attempt, Quiz
from tests.conftest import REPO_ROOT


@pytest.fixture
def two_teams(make_user, make_team):
    sync_content(REPO_ROOT)
    db.session.commit()
    own_manager, other_manager = make_user("manager"), make_user("manager")
    own_team = make_team(code="own", manager=own_manager)
    other_team = make_team(code="other", manager=other_manager)
    agent, colleague = make_user("agent", team=own_team), make_user("agent", team=own_team)
    stranger = make_user("agent", team=other_team)
    return {"manager": own_manager, "agent": agent, "colleague": colleague, "stranger": stranger}


def _attempt_of(user) -> Attempt:
    quiz = db.session.get(Quiz, "product-basics-quiz")
    now = datetime.now(UTC)
    attempt = Attempt(user_id=user.id, quiz_id=quiz.id, quiz_version_id=quiz.current_version_id,
                      idempotency_key=f"k{user.id}", started_at=now, submitted_at=now, locale="en",
                      auto_score=80, auto_passed=True, pass_mark=70)  # fmt: skip
    db.session.add(attempt)
    db.session.commit()
    return attempt


def _certificate_of(user) -> Certificate:
    row = Certificate(user_id=user.id, certification_id="level-1-service-agent",
                      code=certification.new_code(), issue_key=f"test:{user.id}",
                      valid_from=clock.today(), expires_on=clock.today() + timedelta(days=365))  # fmt: skip
    db.session.add(row)
    db.session.commit()
    return row


def _denied(response) -> bool:
    return response.status_code in (403, 404)


def test_an_agent_cannot_open_a_colleagues_records(client, login, two_teams):
    agent, colleague = two_teams["agent"], two_teams["colleague"]
    theirs, mine = _attempt_of(colleague), _attempt_of(agent)
    their_certificate = _certificate_of(colleague)
    login(agent)
    assert client.get(f"/attempts/{mine.id}").status_code == 200
    for path in (
        f"/attempts/{theirs.id}",
        f"/certificates/{their_certificate.id}/certificate.pdf",
        f"/standards/agents/{colleague.id}",
        f"/team/agents/{colleague.id}",
        f"/certification/certificates/{their_certificate.id}",
    ):
        assert _denied(client.get(path)), path


def test_a_manager_cannot_open_another_teams_agent(client, login, two_teams):
    stranger, agent = two_teams["stranger"], two_teams["agent"]
    attempt, certificate = _attempt_of(stranger), _certificate_of(stranger)
    login(two_teams["manager"])
    assert client.get(f"/team/agents/{agent.id}").status_code == 200
    for path in (
        f"/team/agents/{stranger.id}",
        f"/standards/agents/{stranger.id}",
        f"/standards/agents/{stranger.id}/observations/new",
        f"/attempts/{attempt.id}",
        f"/certificates/{certificate.id}/certificate.pdf",
        f"/certification/certificates/{certificate.id}",
    ):
        assert _denied(client.get(path)), path
    observation = client.post(f"/standards/agents/{stranger.id}/observations/new", data={})
    assert _denied(observation)
