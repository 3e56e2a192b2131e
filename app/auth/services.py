"""Passwords, sign-in, session invalidation, invitations and reset links."""

import functools
import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from app import clock
from app.audit import services as audit
from app.auth import links, passwords
from app.auth.models import INVITE, RESET, ResetRequest
from app.database import writing
from app.extensions import db
from app.notifications.services import link_to, mail_configured, notify
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


class AccountError(ValueError):
    """A refusal tied to a form field, with a message for the person."""

    def __init__(self, field: str, message):
        super().__init__(str(message))
        self.field = field
        self.message = message


class PasswordError(AccountError):
    pass


LINK_INVALID = _l(
    "This link no longer works: it has expired or has already been used. Ask for a new one."
)


def hash_password(password: str) -> str:
    check_password_policy(password)
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def check_password_policy(password: str) -> None:
    """Long enough and not on the list of common passwords (app/auth/data)."""
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        raise PasswordError("password", lazy_ngettext("Use at least %(num)s character.",
                                                      "Use at least %(num)s characters.", minimum))  # fmt: skip
    if passwords.is_common(password):
        raise PasswordError(
            "password", _l("This password is one of the most common ones: choose another.")
        )


def _find_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None (one answer for every failure)."""
    user = _find_by_email(email)
    if user is None or not user.password_hash:
        check_password_hash(_stand_in_hash(current_app.config["PASSWORD_HASH_METHOD"]), password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.active:
        return None
    return user


def set_password(
    user: User, password: str, *, actor: User, reason: str, temporary: bool = False
) -> None:
    """Change a password, end the user's sessions and spend their unused links. A temporary
    password (one an administrator chose) must be changed at the next sign-in."""
    user.password_hash = hash_password(password)
    user.password_temporary = temporary
    end_sessions(user)
    links.spend_all(user.id)
    audit.record("password_set", "user", user.id, actor=actor, reason=reason)


def end_sessions(user: User) -> None:
    """Make every session cookie issued to the user so far worthless, on the server: the cookie
    names a session version, and the user no longer has it."""
    user.session_version += 1


def reset_password(user: User, *, actor: User) -> str:
    """Give the user a new random password, returned once so an admin can pass it on."""
    temporary = secrets.token_urlsafe(12)
    set_password(user, temporary, actor=actor, reason="reset by admin", temporary=True)
    return temporary


def load_user_by_session_id(session_id: str) -> User | None:
    user_id, _, version = session_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = load_user_with_counters(User, int(user_id))
    if user is None or user.session_version != int(version) or not user.active:
        return None
    return user


# --- invitations and reset links --------------------------------------------------------------


def send_invitation(user: User, *, actor: User | None) -> None:
    """Queue an e-mail with a link to choose a password (in the person's language); a link
    sent before stops working. Callers commit."""
    if not mail_configured():
        raise AccountError(
            "invite", _l("E-mail is not set up (MAIL_SERVER), so no invitation can be sent.")
        )
    if not user.active:
        raise AccountError("invite", _l("This person is deactivated."))
    if user.password_hash:
        raise AccountError(
            "invite", _l("This person already has a password; reset it if it is lost.")
        )
    days = current_app.config["INVITATION_DAYS"]
    token = links.issue(user.id, INVITE, timedelta(days=days))
    user.invited_at = clock.now()
    notify(user.id, "invitation", {"days": days}, link=link_to("auth.accept_invitation",
                                                                 token=token))  # fmt: skip
    audit.record("invitation_sent", "user", user.id, actor=actor)


def invitation_link(user: User):
    """The person's latest invitation link, spent or not (the admin's page shows its state)."""
    return links.latest(user.id, INVITE)


def request_password_reset(email: str) -> None:
    """Note a "forgot password" request; callers commit. Nothing is looked up now, so neither
    the answer nor its time can tell whether the address has an account: the mail sender's
    next run makes the link (prepare_reset_mail)."""
    if mail_configured():  # without mail, no link could reach anyone
        db.session.add(ResetRequest(email=email.strip().lower()[:254], requested_at=clock.now()))


def prepare_reset_mail() -> int:
    """Turn waiting requests into reset links and queued e-mails, one per active account (the
    latest request of an address counts), and delete them; requests older than a link's
    lifetime are dropped. Runs before each sending of the outbox. Returns the links made."""
    minutes = current_app.config["PASSWORD_RESET_MINUTES"]
    oldest = clock.now() - timedelta(minutes=minutes)
    made = 0
    with writing():
        query = select(ResetRequest).order_by(ResetRequest.id).with_for_update(skip_locked=True)
        waiting = db.session.scalars(query).all()
        for email in dict.fromkeys(r.email for r in waiting if r.requested_at >= oldest):
            user = _find_by_email(email)
            if user is not None and user.active:
                token = links.issue(user.id, RESET, timedelta(minutes=minutes))
                notify(user.id, "password_reset", {"minutes": minutes},
                       link=link_to("auth.reset_password", token=token))  # fmt: skip
                made += 1
        for row in waiting:
            db.session.delete(row)
        db.session.commit()
    return made


def check_link(token: str, purpose: str) -> User:
    """The person a working link is for; AccountError otherwise."""
    link = links.find(token, purpose)
    if link is None:
        raise AccountError("link", LINK_INVALID)
    return db.session.get(User, link.user_id)


def set_password_with_link(token: str, purpose: str, password: str) -> User:
    """Use a link once: the person's new password, every session of theirs ended. Callers
    commit, then sign the person in."""
    link = links.find(token, purpose)
    if link is None:
        raise AccountError("link", LINK_INVALID)
    user = db.session.get(User, link.user_id)
    check_password_policy(password)
    if not links.spend(link):  # another request used it a moment ago
        raise AccountError("link", LINK_INVALID)
    reason = "invitation accepted" if purpose == INVITE else "reset by e-mail link"
    set_password(user, password, actor=user, reason=reason)
    return user
