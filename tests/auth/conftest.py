"""A real SMTP server on 127.0.0.1 receives what `flask notify send` takes from the outbox, so
account tests read their links from the e-mail a person would get."""

from __future__ import annotations

import email
import re
import socket
from datetime import UTC, datetime
from email.message import Message
from email.policy import default
from urllib.parse import urlsplit

import pytest
from aiosmtpd.controller import Controller

NOW = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)


class Inbox:
    def __init__(self):
        self.messages: list[Message] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append(email.message_from_bytes(envelope.original_content, policy=default))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Mailbox:
    """Sends the outbox with the real sender and hands out what arrived."""

    def __init__(self, inbox: Inbox, runner):
        self.inbox = inbox
        self.runner = runner
        self.seen = 0

    def deliver(self) -> list[Message]:
        result = self.runner.invoke(args=["notify", "send"])
        assert result.exit_code == 0, result.output + repr(result.exception)
        new = self.inbox.messages[self.seen :]
        self.seen = len(self.inbox.messages)
        return new

    def one_for(self, address: str) -> Message:
        messages = [m for m in self.deliver() if m["To"].endswith(f"<{address}>")]
        assert len(messages) == 1, [m["To"] for m in messages]
        return messages[0]


def body(message: Message) -> str:
    return message.get_payload(decode=True).decode()


def link_path(message: Message) -> str:
    """The path of the one link in the message, to open with the test client."""
    urls = re.findall(r"https?://\S+", body(message))
    assert len(urls) == 1, urls
    return urlsplit(urls[0]).path


@pytest.fixture
def mailbox(app, runner, monkeypatch):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings = {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": controller.port, "MAIL_USE_TLS": False,
                "MAIL_USERNAME": None, "FIXED_NOW": NOW}  # fmt: skip
    for key, value in settings.items():
        monkeypatch.setitem(app.config, key, value)
    yield Mailbox(inbox, runner)
    controller.stop()
