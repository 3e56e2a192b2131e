"""Managers, HR and admins assign courses; cancel and due-date changes are audited."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.assignments.models import Assignment
from app.audit.models import AuditEntry
from app.extensions import db
from app.notifications.models import Notification
from tests.certification.helpers import pass_quiz, read_lessons, travel, with_certifications

TODAY = date(2026, 4, 1)


@pytest.fixture
def teams(app, content_root, make_user, make_team, monkeypatch):
    """A manager with two agents, and another team with one agent."""
    travel(monkeypatch, app, TODAY)
    with_certifications(content_root)
    manager = make_user("manager")
    own = make_team(code="own", manager=manager)
    other = make_team(code="other", manager=make_user("manager"))
    hire = {"hire_date": date(2020, 1, 1)}  # long-serving: no onboarding assignments
    return {
        "manager": manager, "own": own, "other": other,
        "a1": make_user("agent", team=own, **hire), "a2": make_user("agent", team=own, **hire),
        "b1": make_user("agent", team=other, **hire),
    }  # fmt: skip


def _assignments(user=None):
    query = select(Assignment).order_by(Assignment.id)
    if user is not None:
        query = query.where(Assignment.user_id == user.id)
    return db.session.scalars(query).all()


def _post(client, **fields):
    """The assignment form as sent once the manager has seen any warning about prerequisites
    and chosen to assign only what they picked (prerequisites=None: as first sent)."""
    data = {"course_ids": ["talking"], "due_date": (TODAY + timedelta(days=14)).isoformat(),
            "note": "Please finish before the audit", "prerequisites": "without", **fields}  # fmt: skip
    return client.post("/assignments/new", data={k: v for k, v in data.items() if v is not None})


def test_manager_assigns_to_one_agent_with_due_date_and_note(teams, client, login):
    login(teams["manager"])
    response = _post(client, user_ids=[teams["a1"].id])
    assert response.status_code == 302
    [assignment] = _assignments()
    assert (assignment.user_id, assignment.course_id, assignment.source) == (
        teams["a1"].id, "talking", "manager",
    )  # fmt: skip
    assert assignment.due_date == TODAY + timedelta(days=14)
    assert assignment.note == "Please finish before the audit"
    assert assignment.assigned_by_id == teams["manager"].id
    note = db.session.scalar(select(Notification).where(Notification.user_id == teams["a1"].id))
    assert note.kind == "course_assigned" and note.link == "/courses/talking"
    assert (
        db.session.scalar(select(AuditEntry.action).where(AuditEntry.object_type == "assignment"))
        == "assignment_created"
    )


def test_several_agents_and_a_whole_team_without_doubles(teams, client, login):
    login(teams["manager"])
    _post(client, user_ids=[teams["a1"].id, teams["a2"].id], course_ids=["basics", "talking"])
    assert len(_assignments()) == 4
    _post(client, team_ids=[teams["own"].id], course_ids=["basics", "talking"])
    assert len(_assignments()) == 4  # the open ones are kept, not doubled
    _post(
        client,
        team_ids=[teams["own"].id],
        course_ids=["basics"],
        due_date=(TODAY + timedelta(3)).isoformat(),
    )
    assert {a.user_id for a in _assignments()} == {teams["a1"].id, teams["a2"].id}


def test_manager_cannot_assign_outside_their_teams(teams, client, login):
    login(teams["manager"])
    page = _post(client, user_ids=[teams["b1"].id])
    assert page.status_code == 200 and "is-invalid" in page.get_data(as_text=True)
    _post(client, team_ids=[teams["other"].id])
    assert _assignments() == []


def test_past_due_date_is_refused(teams, client, login):
    login(teams["manager"])
    page = _post(
        client, user_ids=[teams["a1"].id], due_date=(TODAY - timedelta(days=1)).isoformat()
    )
    assert "The due date cannot be in the past." in page.get_data(as_text=True)
    assert _assignments() == []


@pytest.mark.parametrize("role", ["hr", "admin"])
def test_hr_and_admin_assign_to_anyone(teams, client, login_as, role):
    login_as(role)
    _post(client, user_ids=[teams["b1"].id], team_ids=[teams["own"].id])
    assert {a.user_id for a in _assignments()} == {teams["a1"].id, teams["a2"].id, teams["b1"].id}


def test_agents_may_not_assign(teams, client, login):
    login(teams["a1"])
    assert client.get("/assignments/new").status_code == 403
    assert _post(client, user_ids=[teams["a2"].id]).status_code == 403


def test_cancel_and_change_due_date_are_audited(teams, client, login):
    login(teams["manager"])
    _post(client, user_ids=[teams["a1"].id])
    [assignment] = _assignments()
    new_due = TODAY + timedelta(days=30)
    client.post(f"/assignments/{assignment.id}/due-date", data={"due_date": new_due.isoformat()})
    assert db.session.get(Assignment, assignment.id).due_date == new_due
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "assignment_due_date_changed")
    )
    assert entry.before == {"due_date": (TODAY + timedelta(days=14)).isoformat()}
    assert entry.after == {"due_date": new_due.isoformat()}
    client.post(f"/assignments/{assignment.id}/cancel")
    assert db.session.get(Assignment, assignment.id).cancelled_at is not None
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "assignment_cancelled"))
    kinds = db.session.scalars(
        select(Notification.kind).where(Notification.user_id == teams["a1"].id)
    ).all()
    assert sorted(kinds) == ["assignment_cancelled", "course_assigned", "due_date_changed"]


def test_other_managers_cannot_touch_an_assignment(teams, client, login, make_user, make_team):
    login(teams["manager"])
    _post(client, user_ids=[teams["a1"].id])
    [assignment] = _assignments()
    client.post("/logout")
    stranger = make_user("manager")
    make_team(code="stranger", manager=stranger)
    login(stranger)
    assert client.post(f"/assignments/{assignment.id}/cancel").status_code == 404
    assert (
        client.post(
            f"/assignments/{assignment.id}/due-date", data={"due_date": "2026-12-01"}
        ).status_code
        == 404
    )
    assert db.session.get(Assignment, assignment.id).is_open
    assert f'data-assignment="{assignment.id}"' not in client.get(
        "/assignments?state=all"
    ).get_data(as_text=True)


def test_states_assigned_in_progress_completed_overdue(teams, client, login, app, monkeypatch):
    login(teams["manager"])
    _post(client, user_ids=[teams["a1"].id, teams["a2"].id], course_ids=["basics"])
    first, second = _assignments()

    def states():
        html = client.get("/assignments?state=all").get_data(as_text=True)
        return {a.id: html.split(f'data-assignment="{a.id}" data-state="')[1].split('"')[0]
                for a in (first, second)}  # fmt: skip

    assert states() == {first.id: "assigned", second.id: "assigned"}
    read_lessons(teams["a1"], "basics")
    assert states()[first.id] == "in_progress"
    pass_quiz(teams["a1"])
    assert states()[first.id] == "completed"
    travel(monkeypatch, app, TODAY + timedelta(days=15))
    assert states() == {first.id: "completed", second.id: "overdue"}


def test_agent_sees_assignments_first_on_home(teams, client, login):
    login(teams["manager"])
    _post(client, user_ids=[teams["a1"].id])
    client.post("/logout")
    login(teams["a1"])
    html = client.get("/").get_data(as_text=True)
    assigned = html.index('id="assignments"')
    assert assigned < html.index('id="next-heading"') and "Please finish before the audit" in html


def test_a_note_with_a_direction_override_is_refused(teams, client, login):
    login(teams["manager"])
    page = _post(client, user_ids=[teams["a1"].id], note="Finish by \u202e0202 lirpA").text
    assert 'id="note-errors"' in page and "U+202E RIGHT-TO-LEFT OVERRIDE" in page
    assert _assignments() == []


def test_the_form_offers_searchable_checkbox_lists_that_work_without_script(teams, client, login):
    login(teams["manager"])
    html = client.get("/assignments/new").get_data(as_text=True)
    assert "Ctrl" not in html and "<select" not in html
    for name, value in (("course_ids", "talking"), ("user_ids", teams["a1"].id),
                        ("team_ids", teams["own"].id)):  # fmt: skip
        assert f'type="checkbox" name="{name}" value="{value}"' in html
    assert f'value="{teams["b1"].id}"' not in html  # another manager's agent is not offered
    assert 'type="search"' in html and '<script src="/static/js/picker.js">' in html
    assert client.get("/static/js/picker.js").status_code == 200
    # Ticking several boxes is a plain form post: two agents, two courses, four assignments.
    _post(client, user_ids=[teams["a1"].id, teams["a2"].id], course_ids=["basics", "talking"])
    assert len(_assignments()) == 4


def test_assigning_a_course_whose_prerequisites_are_not_done_warns_first(teams, client, login):
    login(teams["manager"])
    done = teams["a2"]
    read_lessons(done, "basics")
    pass_quiz(done, "basics-quiz")
    db.session.commit()
    response = _post(client, user_ids=[teams["a1"].id, done.id], prerequisites=None)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="prerequisite-warning"' in html
    assert f'<li data-agent="{teams["a1"].id}">' in html and f'data-agent="{done.id}"' not in html
    assert '<span data-course="basics">Course basics</span>' in html
    assert _assignments() == []  # nothing is assigned until the manager decides
    assert 'name="prerequisites" value="with"' in html


def test_the_prerequisites_can_be_assigned_with_the_course(teams, client, login):
    login(teams["manager"])
    response = _post(client, user_ids=[teams["a1"].id, teams["a2"].id], prerequisites="with")
    assert response.status_code == 302
    assigned = {(a.user_id, a.course_id) for a in _assignments()}
    assert assigned == {(teams[k].id, c) for k in ("a1", "a2") for c in ("basics", "talking")}


def test_or_only_the_chosen_course_and_no_warning_when_nothing_is_missing(teams, client, login):
    login(teams["manager"])
    _post(client, user_ids=[teams["a1"].id], prerequisites="without")
    assert [a.course_id for a in _assignments()] == ["talking"]
    # The prerequisite is assigned already: nothing left to warn about.
    _post(client, user_ids=[teams["a1"].id], course_ids=["basics"])
    response = _post(client, user_ids=[teams["a1"].id], course_ids=["talking"], prerequisites=None)
    assert response.status_code == 302
