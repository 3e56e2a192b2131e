"""Passwords, sign-in and session invalidation."""

import functools
import secrets

from flask import current_app
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from app.audit import services as audit
from app.extensions import db
from app.page_cache.pages import load_user_with_counters
from app.people.models import User


@functools.cache
def _stand_in_hash(method: str) -> str:
    """A hash to check when the account does not exist, made with the method (and so the cost)
    of real hashes: the time of the answer must not tell which e-mails have accounts."""
    return generate_password_hash(secrets.token_urlsafe(16), method=method)


def prepare_stand_in_hash(app) -> None:
    """Made at start, so that the first unknown e-mail costs no more than the next ones."""
    _stand_in_hash(app.config["PASSWORD_HASH_METHOD"])


class PasswordError(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def hash_password(password: str) -> str:
    check_password_policy(password)
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def check_password_policy(password: str) -> None:
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        raise PasswordError("password", f"use at least {minimum} characters")


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None (one answer for every failure)."""
    user = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is None or not user.password_hash:
        check_password_hash(_stand_in_hash(current_app.config["PASSWORD_HASH_METHOD"]), password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.active:
        return None
    return user


def set_password(user: User, password: str, *, actor: User, reason: str) -> None:
    """Change a password and end the user's other sessions."""
    user.password_hash = hash_password(password)
    end_sessions(user)
    audit.record("password_set", "user", user.id, actor=actor, reason=reason)


def end_sessions(user: User) -> None:
    """Make every session cookie issued to the user so far worthless, on the server: the cookie
    names a session version, and the user no longer has it."""
    user.session_version += 1


def reset_password(user: User, *, actor: User) -> str:
    """Give the user a new random password, returned once so an admin can pass it on."""
    temporary = secrets.token_urlsafe(12)
    set_password(user, temporary, actor=actor, reason="reset by admin")
    return temporary


def load_user_by_session_id(session_id: str) -> User | None:
    user_id, _, version = session_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = load_user_with_counters(User, int(user_id))
    if user is None or user.session_version != int(version) or not user.active:
        return None
    return user
