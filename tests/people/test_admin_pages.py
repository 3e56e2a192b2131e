import io
import re

import pytest
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.extensions import db
from app.people.models import Department, Team, User
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
    assert "1 row ready to import" in html
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


RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: "Ali\u202egnp.exe" shows as "Aliexe.png"
PERSON = {"employee_no": "E80", "email": "e80@khidma.example", "name_ar": "علي", "name_en": "Ali",
          "role": "agent", "team_id": 0, "hire_date": "2026-01-01", "locale": "en"}  # fmt: skip


@pytest.mark.parametrize(
    "field, value, shown",
    [
        ("name_en", f"Ali{RLO}gnp.exe", "U+202E RIGHT-TO-LEFT OVERRIDE"),
        ("name_ar", "علي\u200b", "U+200B ZERO WIDTH SPACE"),
        ("name_en", "Ali\u2067", "U+2067 RIGHT-TO-LEFT ISOLATE"),
        ("employee_no", "E\u200d80", "U+200D ZERO WIDTH JOINER"),
    ],
)
def test_person_form_refuses_bidi_controls_and_zero_width_characters(
    client, login_as, field, value, shown
):
    login_as("admin")
    page = client.post("/admin/people/new", data={**PERSON, field: value})
    assert page.status_code == 200
    errors = page.text.split(f'id="{field}-errors"')[1].split("</div>\n")[0]
    assert f"contains an invisible, control or direction-changing character: {shown}" in errors
    assert db.session.scalar(select(User).where(User.email == "e80@khidma.example")) is None


def test_team_and_department_forms_refuse_them_too(client, login_as, make_department):
    login_as("admin")
    department = make_department()
    team = {"code": "t1", "name_ar": "فريق", "name_en": f"Team{RLO}", "department_id": department.id,
            "manager_id": 0}  # fmt: skip
    page = client.post("/admin/teams", data=team).text
    assert 'id="name_en-errors"' in page and "U+202E" in page
    page = client.post("/admin/departments", data={"code": "d1", "name_ar": "قسم\u2066",
                                                   "name_en": "Dept"}).text  # fmt: skip
    assert 'id="name_ar-errors"' in page and "U+2066 LEFT-TO-RIGHT ISOLATE" in page
    assert db.session.scalar(select(Team.id)) is None
    assert db.session.scalar(select(Department.id).where(Department.code == "d1")) is None


def test_the_people_list_comes_in_pages_and_keeps_its_filters(client, login_as, make_user):
    login_as("admin")
    for n in range(60):
        make_user("agent", name_en=f"Paged agent {n:02d}")
    first = client.get("/admin/people?role=agent").get_data(as_text=True)
    assert first.count("Paged agent") == 50 and "60 people" in first
    assert 'href="/admin/people?page=2&amp;role=agent"' in first
    second = client.get("/admin/people?role=agent&page=2").get_data(as_text=True)

    def names(html):
        return set(re.findall(r"Paged agent \d\d", html))

    assert len(names(second)) == 10 and names(first) | names(second) == {
        f"Paged agent {n:02d}" for n in range(60)
    }
