"""Invitations: an admin adds people (one by one or by CSV) and each gets an e-mail, in their
language, with a link to choose a password that works once and for INVITATION_DAYS days."""

import io
from datetime import timedelta

from sqlalchemy import select

from app.extensions import db
from app.notifications.models import Notification
from app.people.models import User
from tests.auth.conftest import NOW, body, link_path

NEW_PASSWORD = "a-tide-of-lanterns-42"
HEADER = "employee_no,email,name_ar,name_en,role,hire_date,locale,active\n"


def _add_person(client, **values) -> User:
    data = {"employee_no": "N1", "email": "new.hire@khidma.example", "name_en": "New Hire",
            "role": "agent", "team_id": 0, "hire_date": "2026-06-01", "locale": "en",
            "invite": "y", **values}  # fmt: skip
    response = client.post("/admin/people/new", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return db.session.scalar(select(User).where(User.employee_no == data["employee_no"]))


def _accept(app, path: str, password: str = NEW_PASSWORD):
    visitor = app.test_client()
    assert visitor.get(path).status_code == 200
    return visitor, visitor.post(path, data={"new": password, "confirm": password})


def test_invited_person_chooses_a_password_through_the_emailed_link(app, client, login_as, mailbox):
    login_as("admin")
    person = _add_person(client)
    assert person.password_hash is None
    pending = client.get("/admin/people?status=invited").get_data(as_text=True)
    assert "new.hire@khidma.example" in pending

    message = mailbox.one_for("new.hire@khidma.example")
    assert message["Subject"] == "Khidma: You are invited"
    assert "You are invited to Khidma" in body(message)
    assert "within 7 days" in body(message)
    path = link_path(message)
    assert path.startswith("/account/invitation/")

    visitor, accepted = _accept(app, path)
    assert accepted.status_code == 302 and accepted.headers["Location"] == "/"
    assert "New Hire" in visitor.get("/").get_data(as_text=True)  # signed in by the link
    other = app.test_client()
    signed_in = other.post(
        "/login", data={"email": "new.hire@khidma.example", "password": NEW_PASSWORD}
    )
    assert signed_in.status_code == 302
    assert "new.hire@khidma.example" not in client.get("/admin/people?status=invited").get_data(
        as_text=True
    )


def test_invitation_is_written_in_the_persons_language(client, login_as, mailbox):
    login_as("admin")
    _add_person(client, locale="ar", email="arabic@khidma.example")
    message = mailbox.one_for("arabic@khidma.example")
    assert message["Subject"] == "خدمة: أنت مدعو"
    assert "أنت مدعو إلى خدمة" in body(message)
    assert "خلال 7 أيام." in body(message)  # the plural form for 3-10


def test_a_used_invitation_link_is_refused(app, client, login_as, mailbox):
    login_as("admin")
    _add_person(client)
    path = link_path(mailbox.one_for("new.hire@khidma.example"))
    _accept(app, path)
    again = app.test_client()
    assert again.get(path).status_code == 410
    refused = again.post(
        path, data={"new": "another-fine-phrase-7", "confirm": "another-fine-phrase-7"}
    )
    assert refused.status_code == 410
    assert 'id="link-invalid"' in refused.get_data(as_text=True)
    sign_in = again.post(
        "/login", data={"email": "new.hire@khidma.example", "password": NEW_PASSWORD}
    )
    assert sign_in.status_code == 302  # the password chosen first still stands


def test_an_invitation_link_expires_after_the_configured_days(app, client, login_as, mailbox):
    app.config["INVITATION_DAYS"] = 3
    try:
        login_as("admin")
        _add_person(client)
        message = mailbox.one_for("new.hire@khidma.example")
    finally:
        app.config["INVITATION_DAYS"] = 7
    assert "within 3 days" in body(message)
    path = link_path(message)
    visitor = app.test_client()
    app.config["FIXED_NOW"] = NOW + timedelta(days=3) - timedelta(minutes=1)
    assert visitor.get(path).status_code == 200
    app.config["FIXED_NOW"] = NOW + timedelta(days=3, minutes=1)
    assert visitor.get(path).status_code == 410
    late = visitor.post(path, data={"new": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert late.status_code == 410
    assert db.session.scalar(select(User.password_hash).where(User.employee_no == "N1")) is None


def test_an_altered_link_is_refused(app, client, login_as, mailbox):
    login_as("admin")
    _add_person(client)
    path = link_path(mailbox.one_for("new.hire@khidma.example"))
    visitor = app.test_client()
    assert visitor.get(path[:-2] + ("AA" if not path.endswith("AA") else "BB")).status_code == 410
    assert visitor.get("/account/invitation/not-a-token").status_code == 410
    reset_path = path.replace("/account/invitation/", "/account/reset/")
    assert visitor.get(reset_path).status_code == 410  # an invitation is not a reset link


def test_resending_sends_a_new_link_and_the_old_one_stops(app, client, login_as, mailbox):
    login_as("admin")
    person = _add_person(client)
    first = link_path(mailbox.one_for("new.hire@khidma.example"))
    page = client.get(f"/admin/people/{person.id}").get_data(as_text=True)
    assert "the invitation is not accepted yet" in page
    assert "Send the invitation again" in page

    resent = client.post(f"/admin/people/{person.id}/invite")
    assert resent.status_code == 302
    second = link_path(mailbox.one_for("new.hire@khidma.example"))
    assert second != first
    assert app.test_client().get(first).status_code == 410
    _, accepted = _accept(app, second)
    assert accepted.status_code == 302
    page = client.get(f"/admin/people/{person.id}").get_data(as_text=True)
    assert "not accepted yet" not in page and "Send the invitation again" not in page


def test_an_admin_sees_when_an_invitation_link_has_expired(app, client, login_as, mailbox):
    login_as("admin")
    person = _add_person(client)
    app.config["FIXED_NOW"] = NOW + timedelta(days=8)
    page = client.get(f"/admin/people/{person.id}").get_data(as_text=True)
    assert "Its link no longer works." in page
    listed = client.get("/admin/people?status=invited").get_data(as_text=True)
    assert "Invitation not accepted" in listed and "new.hire@khidma.example" in listed


def test_csv_import_invites_the_new_active_people(app, client, login_as, make_user, mailbox):
    login_as("admin")
    existing = make_user("agent", employee_no="OLD1", email="old@khidma.example")
    csv = (HEADER
           + "OLD1,old@khidma.example,قديم,Old Hand,agent,2025-01-01,en,yes\n"
           + "C1,first@khidma.example,أول,First,agent,2026-06-01,ar,yes\n"
           + "C2,second@khidma.example,ثان,Second,agent,2026-06-01,en,yes\n"
           + "C3,gone@khidma.example,غائب,Gone,agent,2026-06-01,en,no\n").encode()  # fmt: skip
    preview = client.post(
        "/admin/people/import", data={"file": (io.BytesIO(csv), "people.csv")},
        content_type="multipart/form-data",
    ).get_data(as_text=True)  # fmt: skip
    assert "Send each new person an invitation by e-mail" in preview
    action = preview.split('action="/admin/people/import/')[1].split('"')[0]
    done = client.post(f"/admin/people/import/{action}", data={"invite": "y"})
    assert done.status_code == 302

    messages = mailbox.deliver()
    assert sorted(m["To"].split("<")[1].rstrip(">") for m in messages) == [
        "first@khidma.example", "second@khidma.example",
    ]  # fmt: skip
    assert existing.email not in [m["To"] for m in messages]
    arabic = next(m for m in messages if "first@" in m["To"])
    assert "أنت مدعو إلى خدمة" in body(arabic)
    _, accepted = _accept(app, link_path(arabic))
    assert accepted.status_code == 302


def test_csv_import_without_the_box_invites_nobody(client, login_as, mailbox):
    login_as("admin")
    csv = (HEADER + "C1,first@khidma.example,أول,First,agent,2026-06-01,ar,yes\n").encode()
    preview = client.post(
        "/admin/people/import", data={"file": (io.BytesIO(csv), "people.csv")},
        content_type="multipart/form-data",
    ).get_data(as_text=True)  # fmt: skip
    action = preview.split('action="/admin/people/import/')[1].split('"')[0]
    assert client.post(f"/admin/people/import/{action}", data={"submit": "1"}).status_code == 302
    assert mailbox.deliver() == []


def test_people_import_command_invites_with_the_flag(app, runner, mailbox, tmp_dir):
    path = tmp_dir / "people.csv"
    path.write_text(HEADER + "C1,first@khidma.example,أول,First,agent,2026-06-01,en,yes\n")
    result = runner.invoke(args=["people", "import", "--invite", str(path)])
    assert result.exit_code == 0, result.output
    assert "1 invited" in result.output
    _, accepted = _accept(app, link_path(mailbox.one_for("first@khidma.example")))
    assert accepted.status_code == 302


def test_without_mail_there_is_no_invitation_to_offer(client, login_as, make_user, tmp_dir, runner):
    login_as("admin")
    form = client.get("/admin/people/new").get_data(as_text=True)
    assert "Send an invitation to choose a password" not in form
    person = make_user("agent", password=None)
    refused = client.post(f"/admin/people/{person.id}/invite", follow_redirects=True)
    assert "E-mail is not set up (MAIL_SERVER)" in refused.get_data(as_text=True)
    assert db.session.scalar(select(Notification.id)) is None
    path = tmp_dir / "people.csv"
    path.write_text(HEADER + "C1,first@khidma.example,أول,First,agent,2026-06-01,en,yes\n")
    result = runner.invoke(args=["people", "import", "--invite", str(path)])
    assert result.exit_code != 0 and "MAIL_SERVER" in result.output
    assert db.session.scalar(select(User).where(User.employee_no == "C1")) is None


def test_someone_with_a_password_is_not_invited(client, login_as, make_user, mailbox):
    login_as("admin")
    person = make_user("agent")
    refused = client.post(f"/admin/people/{person.id}/invite", follow_redirects=True)
    assert "already has a password" in refused.get_data(as_text=True)
    assert mailbox.deliver() == []


def test_invitation_links_stay_out_of_the_in_app_list(app, client, login_as, mailbox):
    login_as("admin")
    _add_person(client)
    visitor, _ = _accept(app, link_path(mailbox.one_for("new.hire@khidma.example")))
    inbox = visitor.get("/notifications").get_data(as_text=True)
    assert "/account/invitation/" not in inbox and "You are invited" not in inbox
