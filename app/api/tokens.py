"""API tokens: made by an administrator with scopes, shown once, kept hashed, revocable.

A token acts as the administrator who made it, and only while that person is an active
administrator: whatever the API changes is audited under their name. Callers commit.
"""

from __future__ import annotations

import hashlib
import secrets

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app import clock
from app.api.models import ApiToken
from app.audit import services as audit
from app.extensions import db
from app.people.models import Role, User
from app.text import TextRule

SCOPES = {
    "people:write": _l("Create, update and deactivate people"),
    "reports:read": _l("Read certification and standards status, attempts and assignments"),
    "assignments:write": _l("Assign courses and list assignments"),
    "conversations:write": _l("Import real conversations for quality review"),
}
PREFIX = "khidma_"
SHOWN_CHARS = len(PREFIX) + 6  # what the admin page shows of a token to tell it apart
NAME = TextRule(max_length=80)


class TokenError(ValueError):
    """A domain error tied to a form field."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_token(name: str, scopes: list[str], *, actor: User) -> tuple[ApiToken, str]:
    """A new token and its secret; the secret is not kept and cannot be shown again."""
    name = name.strip()
    if not name:
        raise TokenError("name", _l("Give the token a name."))
    unknown = set(scopes) - set(SCOPES)
    if unknown or not scopes:
        raise TokenError("scopes", _l("Choose one or more scopes."))
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        name=name, prefix=secret[:SHOWN_CHARS], secret_hash=digest(secret),
        scopes=sorted(set(scopes)), created_by_id=actor.id, created_at=clock.now(),
    )  # fmt: skip
    db.session.add(token)
    db.session.flush()
    audit.record("api_token_created", "api_token", token.id, actor=actor,
                 after={"name": token.name, "prefix": token.prefix,
                        "scopes": ", ".join(token.scopes)})  # fmt: skip
    return token, secret


def revoke_token(token: ApiToken, *, actor: User) -> bool:
    """Stop a token from working; False when it was already revoked."""
    if token.revoked_at is not None:
        return False
    token.revoked_at = clock.now()
    token.revoked_by_id = actor.id
    audit.record("api_token_revoked", "api_token", token.id, actor=actor,
                 before={"name": token.name, "prefix": token.prefix})  # fmt: skip
    return True


def list_tokens() -> list[ApiToken]:
    query = (
        select(ApiToken)
        .options(joinedload(ApiToken.created_by), joinedload(ApiToken.revoked_by))
        .order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc(), ApiToken.id.desc())
    )
    return list(db.session.scalars(query))


def find_usable(secret: str) -> ApiToken | None:
    """The token with this secret if it is not revoked and its maker is still an active
    administrator; else None (one answer for every failure)."""
    if not secret.startswith(PREFIX) or len(secret) > 200:
        return None
    token = db.session.scalar(
        select(ApiToken)
        .options(joinedload(ApiToken.created_by))
        .where(ApiToken.secret_hash == digest(secret))
    )
    if token is None or token.revoked_at is not None:
        return None
    owner = token.created_by
    if not owner.active or owner.role != Role.ADMIN:
        return None
    return token
