import io

from sqlalchemy import select

from app.audit.models import AuditEntry
from app.extensions import db
from app.people.models import User
from tests.conftest import PASSWORD

HEADER = "employee_no,email,name_ar,name_en,role,hire_date\n"


def test_admin_creates_edits_and_deactivates_a_person(client, login_as, make_team):
    admin = login_as("admin")
    team = make_team(code="care-b")
    response = client.post(
        "/admin/people/new",
        data={
            "employee_no": "E77", "email": "Reem@Khidma.example", "name_ar": "ريم", "name_en": "Reem",
            "role": "agent", "team_id": team.id, "hire_date": "2026-11-22", "locale": "ar",
        },
    )  # fmt: skip
    assert response.status_code == 302
    reem = db.session.scalar(select(User).where(User.employee_no == "E77"))
    assert reem.email == "reem@khidma.example" and reem.team_id == team.id

    client.post(f"/admin/people/{reem.id}/active", data={"active": "0"})
    db.session.refresh(reem)
    assert not reem.active
    listed = client.get("/admin/people?status=inactive").get_data(as_text=True)
    assert "Reem" in listed
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"person_created", "person_deactivated"} <= actions
    assert admin.active


def test_duplicate_employee_number_is_a_form_error(client, login_as, make_user):
    login_as("admin")
    make_user("agent", employee_no="E5")
    response = client.post(
        "/admin/people/new",
        data={"employee_no": "E5", "email": "new@khidma.example", "name_en": "New", "role": "agent",
              "team_id": 0, "hire_date": "2026-11-22", "locale": "en"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "another person has this employee number" in response.get_data(as_text=True)


def test_role_change_is_audited(client, login_as, make_user):
    login_as("admin")
    agent = make_user("agent")
    client.post(
        f"/admin/people/{agent.id}",
        data={"employee_no": agent.employee_no, "email": agent.email, "name_en": agent.name_en,
              "name_ar": agent.name_ar, "role": "manager", "team_id": 0,
              "hire_date": "2025-01-01", "locale": "en"},
    )  # fmt: skip
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "role_changed"))
    assert entry.before["role"] == "agent" and entry.after["role"] == "manager"


def test_password_reset_shows_a_temporary_password_that_works(app, client, login_as, make_user):
    login_as("admin")
    agent = make_user("agent")
    page = client.post(f"/admin/people/{agent.id}/reset-password").get_data(as_text=True)
    temporary = page.split('id="temporary-password">')[1].split("<")[0]
    other = app.test_client()
    assert (
        other.post("/login", data={"email": agent.email, "password": PASSWORD}).status_code == 200
    )
    assert (
        other.post("/login", data={"email": agent.email, "password": temporary}).status_code == 302
    )


def test_csv_upload_preview_then_confirm(client, login_as):
    login_as("admin")
    csv = (HEADER + "E1,a@khidma.example,أ,A,agent,2026-01-01\n").encode("utf-8-sig")
    preview = client.post(
        "/admin/people/import", data={"file": (io.BytesIO(csv), "people.csv")},
        content_type="multipart/form-data",
    )  # fmt: skip
    html = preview.get_data(as_text=True)
    assert "1 row(s) ready to import" in html
    assert db.session.scalar(select(User).where(User.employee_no == "E1")) is None
    action = html.split('action="/admin/people/import/')[1].split('"')[0]
    done = client.post(f"/admin/people/import/{action}")
    assert done.status_code == 302
    assert db.session.scalar(select(User).where(User.employee_no == "E1")) is not None
    assert client.post(f"/admin/people/import/{action}").status_code == 404  # used once


def test_csv_upload_with_errors_lists_rows_and_columns(client, login_as):
    login_as("admin")
    csv = (HEADER + "E1,bad,أ,A,agent,2026-01-01\n").encode()
    html = client.post(
        "/admin/people/import", data={"file": (io.BytesIO(csv), "people.csv")},
        content_type="multipart/form-data",
    ).get_data(as_text=True)  # fmt: skip
    assert "Nothing will be imported" in html
    assert "<td>2</td><td><code>email</code></td>" in html


def test_upload_over_5_mb_is_refused_with_a_clear_message(client, login_as):
    login_as("admin")
    big = io.BytesIO(b"x" * (5 * 1024 * 1024 + 10))
    response = client.post(
        "/admin/people/import", data={"file": (big, "big.csv")}, content_type="multipart/form-data"
    )
    assert response.status_code == 413
    assert "larger than the limit of 5 MB" in response.get_data(as_text=True)


def test_search_ignores_case_on_every_database(client, login_as, make_user):
    login_as("admin")
    make_user("agent", employee_no="AB123", name_en="Reem Harbi", email="reem.h@khidma.example")
    for q in ("ab123", "REEM", "harbi", "REEM.H@"):
        html = client.get(f"/admin/people?q={q}").get_data(as_text=True)
        assert "Reem Harbi" in html, q
