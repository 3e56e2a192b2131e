"""Sending the outbox by email, once per message, even when a sender dies half-way.

Each message is claimed (status "sending" with a fresh token, committed) before it is handed
to the SMTP server and marked "sent" right after the server accepts it. A sender that dies in
between leaves the claim behind; once the claim is older than the lease, the next run sends
the message again with the same Message-ID (derived from the notification id), so nothing is
lost and the receiving side can recognise the repeat. Two senders never claim the same row.
"""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage
from email.utils import formataddr
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from app import clock, events
from app.extensions import db
from app.notifications.models import Notification
from app.notifications.services import mail_configured, message, subject
from app.outbox import Lease
from app.people.models import User

LEASE = timedelta(minutes=10)
MAX_ATTEMPTS = 5
OUTBOX = Lease(
    Notification.id,
    Notification.email_status,
    Notification.email_token,
    Notification.email_claimed_at,
    Notification.email_attempts,
    LEASE,
)


class MailNotConfigured(RuntimeError):
    pass


@dataclass
class SendReport:
    sent: int = 0
    failed: int = 0
    resent: int = 0  # claims left behind by a sender that stopped, sent again


def message_id(note_id: int) -> str:
    """The same id for every try of one notification: repeats are recognisable."""
    host = urlsplit(current_app.config["PUBLIC_BASE_URL"]).hostname or "khidma.invalid"
    return f"<notification-{note_id}@{host}>"


def send_pending(limit: int = 500) -> SendReport:
    """Send pending mail (and mail whose claim has lapsed); commits after every message."""
    if not mail_configured():
        raise MailNotConfigured("MAIL_SERVER is not set")
    events.mail_sending.send(None)  # e.g. reset links, made only when mail goes out
    report = SendReport()
    candidates = OUTBOX.candidates(limit)
    if not candidates:
        return report
    with _connect() as smtp:
        for note_id, was_claimed in candidates:
            token = OUTBOX.claim(note_id)
            if token is None:
                continue  # another sender took it
            if _deliver(smtp, note_id, token):
                report.sent += 1
                report.resent += was_claimed
            else:
                report.failed += 1
    return report


def _deliver(smtp: smtplib.SMTP, note_id: int, token: str) -> bool:
    note = db.session.get(Notification, note_id)
    user = db.session.get(User, note.user_id)
    try:
        smtp.send_message(build_email(note, user))
    except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused) as exc:
        _finish(note_id, token, "failed", error=str(exc)[:300])
        return False
    except smtplib.SMTPResponseException as exc:
        permanent = exc.smtp_code >= 500 or note.email_attempts >= MAX_ATTEMPTS
        _finish(note_id, token, "failed" if permanent else "pending", error=str(exc)[:300])
        return False
    _finish(note_id, token, "sent")
    return True


def _finish(note_id: int, token: str, status: str, error: str | None = None) -> None:
    values = {"email_status": status, "email_error": error}
    if status == "sent":
        values["emailed_at"] = clock.now()
    OUTBOX.finish(note_id, token, **values)


def build_email(note: Notification, user: User) -> EmailMessage:
    """The message in the recipient's language, with a link back to the app."""
    config = current_app.config
    with force_locale(user.locale or config["BABEL_DEFAULT_LOCALE"]):
        text = message(note)
        title = _("Khidma: %(text)s", text=subject(note))
        footer = _("You receive this because you have an account on Khidma.")
    mail = EmailMessage()
    mail["Subject"] = title[:200]
    mail["From"] = config["MAIL_SENDER"]
    mail["To"] = formataddr((user.name(user.locale), user.email))
    mail["Message-ID"] = message_id(note.id)
    link = f"{config['PUBLIC_BASE_URL'].rstrip('/')}{note.link}" if note.link else ""
    mail.set_content("\n\n".join(part for part in (text, link, footer) if part))
    return mail


def _connect() -> smtplib.SMTP:
    config = current_app.config
    smtp = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30)
    if config.get("MAIL_USE_TLS"):
        smtp.starttls()
    if config.get("MAIL_USERNAME"):
        smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
    return smtp
