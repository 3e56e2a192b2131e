"""The notification outbox: every message to a person is a row first, then shown in the app
and, when mail is configured, sent by `flask notify send`.

Email state: off (mail was not configured when the row was made), pending, sending (claimed
by a sender with email_token), sent or failed. A row left in "sending" by a sender that died
is sent again once its claim is older than the lease, with the same Message-ID, so no message
is lost and a receiving system can recognise the repeat."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models_base import UTCDateTime, utcnow


class Notification(db.Model):
    __tablename__ = "notification"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    link: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Rule-based messages (reminders) carry a key so that each is created once.
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    email_status: Mapped[str] = mapped_column(
        String(12), default="off", server_default="off", index=True
    )
    email_token: Mapped[str | None] = mapped_column(String(32))
    email_claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    email_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    email_error: Mapped[str | None] = mapped_column(String(300))
