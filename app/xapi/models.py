"""The xAPI outbox: every statement for the Learning Record Store is a row first, written in
the transaction of what it reports, then sent by `flask xapi send`.

Status: pending (waiting, possibly until next_attempt_at after a failed try), sending (claimed
by a sender with claim_token), sent, or failed (refused by the LRS, or out of tries). A row
left in "sending" by a sender that died is sent again once its claim is older than the lease;
the statement keeps its id, so the LRS stores it once."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models_base import UTCDateTime, utcnow


class XapiStatement(db.Model):
    __tablename__ = "xapi_statement"

    id: Mapped[int] = mapped_column(primary_key=True)
    # A UUID derived from what the statement reports: the same event never makes two.
    statement_id: Mapped[str] = mapped_column(String(36), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    verb: Mapped[str] = mapped_column(String(20))
    statement: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(12), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claim_token: Mapped[str | None] = mapped_column(String(32))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(300))
