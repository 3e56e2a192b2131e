"""`flask notify send` delivers each pending message once to a real SMTP server on
127.0.0.1, and a sender that dies half-way neither loses nor silently repeats a message."""

import email
import socket
from datetime import UTC, datetime, timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from app.extensions import db
from app.notifications import mail
from app.notifications.models import Notification
from app.notifications.services import notify

NOW = datetime(2026, 4, 1, 6, 0, tzinfo=UTC)


class Inbox:
    def __init__(self):
        self.messages: list[email.message.Message] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append(email.message_from_bytes(envelope.original_content))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(app, monkeypatch):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    for key, value in {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": controller.port,
                       "MAIL_USE_TLS": False, "MAIL_USERNAME": None,
                       "FIXED_NOW": NOW}.items():  # fmt: skip
        monkeypatch.setitem(app.config, key, value)
    yield inbox
    controller.stop()


@pytest.fixture
def queued(smtp_server, make_user):
    agent = make_user("agent", locale="en")
    notify(agent.id, "due_today", {"course": "Talking"}, link="/courses/talking")
    notify(agent.id, "overdue", {"course": "Basics", "due": "1 Apr"})
    db.session.commit()
    return agent


def _send(runner):
    result = runner.invoke(args=["notify", "send"])
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result.output


def test_pending_mail_is_sent_once(queued, smtp_server, runner):
    assert "sent=2" in _send(runner)
    assert "sent=0" in _send(runner)
    assert len(smtp_server.messages) == 2
    first = smtp_server.messages[0]
    assert first["To"].endswith(f"<{queued.email}>")
    assert first["Subject"] == "Khidma: Talking is due today."
    assert "http://127.0.0.1:5000/courses/talking" in first.get_payload(decode=True).decode()
    statuses = db.session.scalars(select(Notification.email_status)).all()
    assert statuses == ["sent", "sent"]


def test_crash_after_sending_resends_with_the_same_message_id(
    queued, smtp_server, runner, app, monkeypatch
):
    real_finish = mail._finish

    def die_before_marking(note_id, token, status, error=None):
        raise KeyboardInterrupt("the sender was killed")

    monkeypatch.setattr(mail, "_finish", die_before_marking)
    with pytest.raises(KeyboardInterrupt):
        mail.send_pending()
    monkeypatch.setattr(mail, "_finish", real_finish)
    assert len(smtp_server.messages) == 1
    db.session.rollback()
    assert db.session.scalars(select(Notification.email_status).order_by(Notification.id)).all() == [
        "sending", "pending",
    ]  # fmt: skip

    _send(runner)  # at once: the claim still holds, so only the other message goes
    assert len(smtp_server.messages) == 2
    monkeypatch.setitem(app.config, "FIXED_NOW", NOW + mail.LEASE + timedelta(minutes=1))
    assert "resent=1" in _send(runner)
    assert "sent=0" in _send(runner)
    ids = [m["Message-ID"] for m in smtp_server.messages]
    assert len(ids) == 3 and ids[0] == ids[2] != ids[1]  # the repeat is recognisable


def test_a_crash_before_the_server_accepts_loses_nothing(
    queued, smtp_server, runner, app, monkeypatch
):
    real_build = mail.build_email
    calls = []

    def connection_lost_once(note, user):
        calls.append(note.id)
        if len(calls) == 1:
            raise OSError("connection lost")
        return real_build(note, user)

    monkeypatch.setattr(mail, "build_email", connection_lost_once)
    with pytest.raises(OSError):
        mail.send_pending()
    db.session.rollback()
    monkeypatch.setitem(app.config, "FIXED_NOW", NOW + mail.LEASE * 2)
    _send(runner)
    assert sorted(m["Subject"] for m in smtp_server.messages) == [
        "Khidma: Basics is overdue since 1 Apr.", "Khidma: Talking is due today.",
    ]  # fmt: skip


def test_without_mail_settings_nothing_is_queued_for_email(app, make_user, runner, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", None)
    agent = make_user("agent")
    note = notify(agent.id, "due_today", {"course": "X"})
    db.session.commit()
    assert note.email_status == "off"
    assert "mail is not configured" in _send(runner)
