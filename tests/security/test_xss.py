"""Every payload put into names, team names and imported people comes back escaped."""

import io

from sqlalchemy import select

from app.extensions import db
from app.people.models import User
from tests.html_checks import active_content
from tests.security.xss_corpus import PAYLOADS


def _main(html: str) -> str:
    return html.split('<main id="main"')[1].split("</main>")[0]


def _pages_show_no_active_content(client, paths):
    for path in paths:
        html = client.get(path).get_data(as_text=True)
        found = active_content(_main(html))
        assert found == [], f"{path}: {found}"


def test_names_and_team_names_are_escaped(client, login_as, make_user, make_team):
    admin = login_as("admin")
    manager = make_user("manager", name_en=PAYLOADS[1], name_ar=PAYLOADS[8])
    team = make_team(code="xss", manager=manager)
    team.name_en, team.name_ar = PAYLOADS[2], PAYLOADS[6]
    for payload in PAYLOADS:
        make_user("agent", team=team, name_en=payload, name_ar=payload)
    db.session.commit()
    paths = ["/admin/people?status=all", "/admin/teams", f"/admin/people/{manager.id}",
             "/admin/audit", "/"]  # fmt: skip
    _pages_show_no_active_content(client, paths)
    client.post("/logout")
    client.post("/login", data={"email": manager.email, "password": "correct-horse-battery"})
    agent = db.session.scalar(select(User).where(User.team_id == team.id, User.role == "agent"))
    _pages_show_no_active_content(client, ["/team", f"/team/agents/{agent.id}", "/"])
    assert admin.id


def test_imported_fields_and_import_errors_are_escaped(client, login_as):
    login_as("admin")
    rows = "".join(
        f'E{n},p{n}@khidma.example,"{p.replace(chr(34), chr(39))}",x,agent,2026-01-01\n'
        for n, p in enumerate(PAYLOADS)
    )
    csv = ("employee_no,email,name_ar,name_en,role,hire_date\n" + rows).encode()
    preview = client.post(
        "/admin/people/import", data={"file": (io.BytesIO(csv), "p.csv")},
        content_type="multipart/form-data",
    ).get_data(as_text=True)  # fmt: skip
    assert active_content(_main(preview)) == []
    bad = b"employee_no,email,role,hire_date\nE1,<script>alert(1)</script>,agent,2026-01-01\n"
    errors = client.post(
        "/admin/people/import", data={"file": (io.BytesIO(bad), "p.csv")},
        content_type="multipart/form-data",
    ).get_data(as_text=True)  # fmt: skip
    assert "&lt;script&gt;" in errors and active_content(_main(errors)) == []
