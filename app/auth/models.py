"""Account links: the single-use, expiring links that let a person choose a password (an
invitation) or choose a new one (a reset); and "forgot password" requests waiting to become
links."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models_base import UTCDateTime, utcnow

INVITE = "invite"
RESET = "reset"


class AccountLink(db.Model):
    """One link sent by e-mail. Only a hash of its secret is kept: the link itself is in the
    message, and a copy of this table opens no account."""

    __tablename__ = "account_link"
    __change_owner__ = None  # shown on no page with an ETag (app/page_cache)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(12))
    secret_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Set when the link is used, or made void by a newer link or a new password.
    spent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ResetRequest(db.Model):
    """An address typed on the "forgot password" page, kept until the mail sender's next run
    (`flask notify send`) turns it into a link for the active account that has it, if any, and
    deletes it. The page itself looks nothing up: what it does, and so how long it takes, is
    the same whether or not the address has an account."""

    __tablename__ = "reset_request"
    __change_owner__ = None

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
