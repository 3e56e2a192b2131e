"""Issue the moment requirements are met, renewal through refreshers, expiry and revocation,
with the clock moved forward."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app import events
from app.assignments.models import Assignment
from app.audit.models import AuditEntry
from app.certification.models import Certificate, CertificationStanding
from app.extensions import db
from app.notifications.models import Notification
from tests.certification.helpers import (
    acknowledge,
    complete,
    pass_quiz,
    publish_standards,
    read_lessons,
    run_daily,
    set_status,
    travel,
    with_certifications,
)

START = date(2026, 3, 1)


@pytest.fixture
def certified(app, content_root, make_user, monkeypatch):
    """An agent who earned "starter" on START under standards 2026.1."""
    travel(monkeypatch, app, START)
    with_certifications(content_root)
    publish_standards("2026.1")
    agent = make_user("agent")
    complete(agent, "basics")
    complete(agent, "talking")
    return agent


def _certificates(user, certification_id="starter"):
    query = (
        select(Certificate)
        .where(Certificate.user_id == user.id, Certificate.certification_id == certification_id)
        .order_by(Certificate.id)
    )
    return db.session.scalars(query).all()


def _kinds(user):
    query = select(Notification.kind).where(Notification.user_id == user.id)
    return sorted(db.session.scalars(query))


def test_issued_the_moment_the_last_course_completes(certified):
    [certificate] = _certificates(certified)
    assert certificate.valid_from == START
    assert certificate.expires_on == START + timedelta(days=365)
    assert certificate.standards_version == "2026.1"
    assert "certificate_issued" in _kinds(certified)
    action = db.session.scalar(
        select(AuditEntry.action).where(
            AuditEntry.object_type == "certificate", AuditEntry.object_id == str(certificate.id)
        )
    )
    assert action == "certificate_issued"


def test_certificate_issued_is_told_to_the_capabilities_that_listen(
    app, content_root, make_user, monkeypatch
):
    travel(monkeypatch, app, START)
    with_certifications(content_root)
    agent, told = make_user("agent"), []

    def listener(certificate, *, renewal_of, **_):
        told.append((certificate.user_id, certificate.certification_id, renewal_of))

    events.certificate_issued.connect(listener)
    try:
        complete(agent, "basics")
        assert told == []
        complete(agent, "talking")
    finally:
        events.certificate_issued.disconnect(listener)
    assert told == [(agent.id, "starter", None)]
    assert [c.certification_id for c in _certificates(agent)] == ["starter"]


def test_partial_requirements_show_as_progress_and_nothing_is_issued(app, content_root, make_user):
    with_certifications(content_root)
    agent = make_user("agent")
    complete(agent, "basics")
    standing = db.session.scalar(
        select(CertificationStanding).where(
            CertificationStanding.user_id == agent.id,
            CertificationStanding.certification_id == "starter",
        )
    )
    assert (standing.met, standing.total, standing.percent) == (1, 2, 50)
    assert _certificates(agent) == []


def test_acknowledgement_and_standards_requirements(app, content_root, make_user, runner):
    with_certifications(content_root)
    version = publish_standards("2026.1")
    agent = make_user("agent")
    pass_quiz(agent)
    assert _certificates(agent, "quizzer") == []  # the acknowledgement is missing
    acknowledge(agent, version)
    run_daily(runner)
    assert len(_certificates(agent, "quizzer")) == 1

    complete(agent, "basics")
    complete(agent, "talking")
    set_status(agent, "STD-01", "met", START)
    set_status(agent, "STD-02", "developing", START)
    run_daily(runner)
    assert _certificates(agent, "excellence") == []
    set_status(agent, "STD-02", "met", START)
    run_daily(runner)
    assert len(_certificates(agent, "excellence")) == 1


def test_renewal_window_assigns_refreshers_once_and_redoing_them_renews(
    certified, app, runner, monkeypatch
):
    [first] = _certificates(certified)
    window_opens = first.expires_on - timedelta(days=30)
    travel(monkeypatch, app, window_opens - timedelta(days=1))
    run_daily(runner)
    assert (
        db.session.scalar(select(func.count(Assignment.id)).where(Assignment.source == "refresher"))
        == 0
    )

    travel(monkeypatch, app, window_opens)
    run_daily(runner)
    run_daily(runner)
    [refresher] = db.session.scalars(
        select(Assignment).where(Assignment.source == "refresher")
    ).all()
    assert (refresher.course_id, refresher.due_date) == ("basics", first.expires_on)
    assert _kinds(certified).count("renewal_due") == 1

    # Passing the quiz again after the refresher was assigned renews the certificate.
    travel(monkeypatch, app, window_opens + timedelta(days=3))
    pass_quiz(certified, when=app.config["FIXED_NOW"])
    run_daily(runner)
    old, new = _certificates(certified)
    assert old.superseded_at is not None and new.renewal_of_id == old.id
    assert new.expires_on == old.expires_on + timedelta(days=365)
    assert db.session.get(Assignment, refresher.id).completed_at is not None
    assert "certificate_renewed" in _kinds(certified)
    run_daily(runner)
    assert len(_certificates(certified)) == 2


def test_expiry_without_renewal(certified, app, runner, monkeypatch):
    [certificate] = _certificates(certified)
    travel(monkeypatch, app, certificate.expires_on)
    run_daily(runner)
    assert db.session.get(Certificate, certificate.id).expired_at is None  # valid through that day
    travel(monkeypatch, app, certificate.expires_on + timedelta(days=1))
    first = run_daily(runner)
    second = run_daily(runner)
    assert "expired=1" in first and "expired=0" in second
    assert (
        db.session.get(Certificate, certificate.id).status(certificate.expires_on + timedelta(1))
        == "expired"
    )
    assert _kinds(certified).count("certificate_expired") == 1
    # Nothing is issued again automatically: only the refreshers bring it back.
    assert len(_certificates(certified)) == 1


def test_hr_revokes_with_a_reason(certified, client, login_as):
    [certificate] = _certificates(certified)
    login_as("hr")
    refused = client.post(
        f"/certification/certificates/{certificate.id}/revoke", data={"reason": "x"}
    )
    assert refused.status_code == 302
    assert db.session.get(Certificate, certificate.id).revoked_at is None
    done = client.post(
        f"/certification/certificates/{certificate.id}/revoke",
        data={"reason": "Answers were copied from a colleague"},
    )
    assert done.status_code == 302
    row = db.session.get(Certificate, certificate.id)
    assert row.revoked_at is not None and row.revoke_reason.startswith("Answers")
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "certificate_revoked"))
    assert entry.reason == "Answers were copied from a colleague" and entry.actor_id is not None
    assert "certificate_revoked" in _kinds(certified)


def test_a_revoke_reason_with_a_direction_override_is_refused_with_its_reason(
    certified, client, login_as
):
    [certificate] = _certificates(certified)
    login_as("hr")
    page = client.post(
        f"/certification/certificates/{certificate.id}/revoke",
        data={"reason": "Copied \u2066answers\u2069 from a colleague"},
        follow_redirects=True,
    ).text
    assert "U+2066 LEFT-TO-RIGHT ISOLATE" in page
    assert db.session.get(Certificate, certificate.id).revoked_at is None


@pytest.mark.parametrize("role", ["agent", "manager"])
def test_only_hr_and_admin_revoke(certified, client, login_as, role):
    [certificate] = _certificates(certified)
    login_as(role)
    response = client.post(
        f"/certification/certificates/{certificate.id}/revoke", data={"reason": "no reason at all"}
    )
    assert response.status_code == 403
    assert db.session.get(Certificate, certificate.id).revoked_at is None


def test_hr_sees_certificates_earned_under_an_older_standards_version(
    certified, app, client, login_as
):
    publish_standards("2027.1", published=date(2027, 1, 1))
    login_as("hr")
    html = client.get("/certification/report?older_version=1").get_data(as_text=True)
    assert f'data-user="{certified.id}"' in html and "older version" in html
    assert "2026.1" in html


def test_daily_job_is_idempotent(certified, app, runner, monkeypatch):
    [certificate] = _certificates(certified)
    travel(monkeypatch, app, certificate.expires_on - timedelta(days=10))
    run_daily(runner)
    counts = (
        db.session.scalar(select(func.count(Notification.id))),
        db.session.scalar(select(func.count(Assignment.id))),
        db.session.scalar(select(func.count(Certificate.id))),
    )
    again = run_daily(runner)
    assert "renewal_windows_opened=0" in again and "issued=0" in again
    assert counts == (
        db.session.scalar(select(func.count(Notification.id))),
        db.session.scalar(select(func.count(Assignment.id))),
        db.session.scalar(select(func.count(Certificate.id))),
    )


def test_agent_home_and_certificates_page(certified, client, login):
    login(certified)
    home = client.get("/").get_data(as_text=True)
    assert 'id="home-certifications"' in home and "certificate.pdf" in home
    page = client.get("/certificates").get_data(as_text=True)
    [certificate] = _certificates(certified)
    assert certificate.code in page


def test_lesson_reading_alone_does_not_issue_a_quiz_certification(app, content_root, make_user):
    with_certifications(content_root)
    agent = make_user("agent")
    read_lessons(agent, "basics")
    assert _certificates(agent, "quizzer") == []


def test_a_partial_standing_names_what_is_left(app, content_root, make_user, client, login):
    with_certifications(content_root)
    publish_standards("2026.1")
    agent = make_user("agent")
    complete(agent, "basics")
    login(agent)

    def left(html, certification_id):
        card = html.split(f'data-certification="{certification_id}"')[1]
        return card.split('class="small mt-1 requirements-left"')[1].split("</ul>")[0]

    home = client.get("/").get_data(as_text=True)
    starter = left(home, "starter")
    assert "In progress: 50%" in home and "<li>Complete the course “Course talking”</li>" in starter
    assert "basics" not in starter  # what is done is not listed
    page = client.get("/certificates").get_data(as_text=True)
    excellence = page.split('data-certification="excellence"')[1].split("</ul>")[0]
    assert "Complete the course “Course talking”" in excellence
    assert "Meet the service standard STD-01" in excellence
    assert "Meet the service standard STD-02" in excellence
    quizzer = page.split('data-certification="quizzer"')[1].split("</ul>")[0]
    assert "Acknowledge the current service standards" in quizzer
