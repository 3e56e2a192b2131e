"""Single-use, expiring account links.

A link carries the row's id and a random secret, signed with the app's secret key so that an
altered link is refused before any lookup. The row keeps only a hash of the secret, its expiry
and when it was spent: using a link spends it (one UPDATE that only one request can win), and
a newer link or a new password spends the ones before.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import update

from app import clock
from app.auth.models import AccountLink
from app.extensions import db
from app.people.models import User

SALT = "khidma.account-link"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue(user_id: int, purpose: str, lifetime: timedelta) -> str:
    """A new link's token; earlier unspent links of the same purpose stop working."""
    now = clock.now()
    spend_all(user_id, purpose)
    secret = secrets.token_urlsafe(24)
    link = AccountLink(user_id=user_id, purpose=purpose, secret_hash=_digest(secret),
                       created_at=now, expires_at=now + lifetime)  # fmt: skip
    db.session.add(link)
    db.session.flush()
    return _serializer().dumps([link.id, secret])


def find(token: str, purpose: str) -> AccountLink | None:
    """The link if it is genuine, unspent and unexpired and its person is active; else None."""
    try:
        link_id, secret = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    if not isinstance(link_id, int) or not isinstance(secret, str):
        return None
    link = db.session.get(AccountLink, link_id)
    if link is None or link.purpose != purpose:
        return None
    if not hmac.compare_digest(link.secret_hash, _digest(secret)):
        return None
    if link.spent_at is not None or link.expires_at <= clock.now():
        return None
    user = db.session.get(User, link.user_id)
    return link if user is not None and user.active else None


def spend(link: AccountLink) -> bool:
    """Mark the link used; False when another request used it first."""
    statement = (
        update(AccountLink)
        .where(AccountLink.id == link.id, AccountLink.spent_at.is_(None))
        .values(spent_at=clock.now())
    )
    return db.session.execute(statement).rowcount == 1


def spend_all(user_id: int, purpose: str | None = None) -> None:
    """Make the person's unspent links (of one purpose, or all) worthless."""
    statement = update(AccountLink).where(
        AccountLink.user_id == user_id, AccountLink.spent_at.is_(None)
    )
    if purpose is not None:
        statement = statement.where(AccountLink.purpose == purpose)
    db.session.execute(statement.values(spent_at=clock.now()))


def latest(user_id: int, purpose: str) -> AccountLink | None:
    """The person's most recent link of a purpose, spent or not (for the admin's page)."""
    return db.session.scalar(
        db.select(AccountLink)
        .where(AccountLink.user_id == user_id, AccountLink.purpose == purpose)
        .order_by(AccountLink.id.desc())
        .limit(1)
    )
