"""Creating notifications and reading a person's list. Callers commit."""

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from app import clock
from app.extensions import db
from app.notifications.models import Notification
from app.text import N_plural, Plural, translate

# The text of each kind, with %(name)s parameters from the notification's params.
MESSAGES = {
    "score_overridden": _l("A manager reviewed your answer in %(quiz)s: %(score)s%% (%(reason)s)."),
    "course_assigned": _l("New course assigned: %(course)s, due %(due)s."),
    "due_soon": _l("Reminder: %(course)s is due on %(due)s."),
    "due_today": _l("%(course)s is due today."),
    "overdue": _l("%(course)s is overdue since %(due)s."),
    "remedial_assigned": _l("To strengthen %(standard)s you have been assigned %(course)s."),
    "standards_published": _l(
        "New service standards (%(version)s) are published: please read and acknowledge them."
    ),
    "assignment_cancelled": _l("The assignment of %(course)s was cancelled."),
    "due_date_changed": _l("%(course)s is now due on %(due)s."),
    "manager_digest": N_plural(
        "This week in your teams: %(overdue)s overdue, %(due_soon)s due within 7 days, "
        "%(expiring)s certificate expiring within 30 days.",
        "This week in your teams: %(overdue)s overdue, %(due_soon)s due within 7 days, "
        "%(expiring)s certificates expiring within 30 days.",
        "expiring",
    ),
    "certificate_issued": _l("Congratulations! You are now certified: %(certification)s."),
    "certificate_renewed": _l("Your certificate %(certification)s is renewed until %(until)s."),
    "renewal_due": _l(
        "Your certificate %(certification)s expires on %(until)s: complete %(courses)s to renew it."
    ),
    "certificate_expiring": _l(
        "Reminder: your certificate %(certification)s expires on %(until)s."
    ),
    "team_certificate_expiring": _l(
        "Reminder: the certificate %(certification)s of %(person)s expires on %(until)s."
    ),
    "certificate_expired": _l("Your certificate %(certification)s has expired."),
    "certificate_revoked": _l("Your certificate %(certification)s was revoked: %(reason)s"),
    "invitation": N_plural(
        "You are invited to Khidma. Choose your password with the link below; it works once, "
        "within %(days)s day.",
        "You are invited to Khidma. Choose your password with the link below; it works once, "
        "within %(days)s days.",
        "days",
    ),
    "password_reset": N_plural(
        "To choose a new Khidma password, open the link below; it works once, within "
        "%(minutes)s minute. If you did not ask for it, ignore this message.",
        "To choose a new Khidma password, open the link below; it works once, within "
        "%(minutes)s minutes. If you did not ask for it, ignore this message.",
        "minutes",
    ),
}
# Subjects of kinds whose text is too long for one; the others' subject is their text.
SUBJECTS = {
    "invitation": _l("You are invited"),
    "password_reset": _l("Choose a new password"),
}
# Sent by e-mail only: their links open an account, and are spent or stale once the person is
# signed in, so the in-app list does not show them.
MAIL_ONLY = ("invitation", "password_reset")


def notify(user_id: int, kind: str, params: dict, *, link: str | None = None,
           dedupe_key: str | None = None) -> Notification | None:  # fmt: skip
    """Queue a message for a person; with a dedupe key, a second call creates nothing."""
    if kind not in MESSAGES:
        raise KeyError(f"unknown notification kind {kind!r}")
    if dedupe_key and db.session.scalar(
        select(Notification.id).where(Notification.dedupe_key == dedupe_key)
    ):
        return None
    note = Notification(user_id=user_id, kind=kind, params=params, link=link,
                        dedupe_key=dedupe_key, created_at=clock.now(),
                        email_status="pending" if mail_configured() else "off")  # fmt: skip
    db.session.add(note)
    return note


def link_to(endpoint: str, **values) -> str:
    """A URL path built without a request, for links made by the daily job and the CLI."""
    return current_app.url_map.bind("localhost").build(endpoint, values)


def local_date(value, locale: str) -> str:
    """A date written for the recipient (messages are stored already in their language)."""
    from flask_babel import force_locale

    from app.i18n import format_day

    with force_locale(locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        return format_day(value)


def mail_configured() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def message(note: Notification) -> str:
    template = MESSAGES[note.kind]
    if isinstance(template, Plural):  # a number meets a noun: the locale's plural form
        return translate(template, note.params)
    return str(template) % note.params


def subject(note: Notification) -> str:
    return str(SUBJECTS[note.kind]) if note.kind in SUBJECTS else message(note)


def unread_count(user_id: int) -> int:
    query = select(func.count(Notification.id)).where(
        Notification.user_id == user_id,
        Notification.read_at.is_(None),
        Notification.kind.not_in(MAIL_ONLY),
    )
    return db.session.scalar(query) or 0


def recent(user_id: int, limit: int = 50) -> list[Notification]:
    query = (
        select(Notification)
        .where(Notification.user_id == user_id, Notification.kind.not_in(MAIL_ONLY))
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))


def mark_all_read(user_id: int) -> None:
    db.session.execute(
        update(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .values(read_at=clock.now())
    )
