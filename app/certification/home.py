"""What an agent's home page and certificates page show of their certification."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from typing import NamedTuple

from flask_babel import get_translations
from flask_login import current_user
from sqlalchemy import bindparam, select

from app import clock
from app.certification.models import Certificate, Certification, CertificationStanding
from app.certification.requirements import Requirement, requirement_items
from app.certification.services import active_certifications, standing_status
from app.courses.models import Course
from app.database import read_rows
from app.extensions import db
from app.i18n import current_language
from app.models_base import localized
from app.page_cache.pages import shared_value
from app.quizzes.models import Quiz


class HeldCertificate(NamedTuple):
    """What a card shows of the latest certificate: its id (for the PDF), when it expires,
    and whether it was revoked."""

    id: int
    expires_on: date
    revoked_at: datetime | None


@dataclass
class CertificationCard:
    certification: Certification
    status: str
    percent: int
    certificate: HeldCertificate | None
    left: list[str] = field(default_factory=list)  # what is still to do, in words


@cache
def _standings_statement():
    """Built once: every agent's home reads it."""
    return (
        select(CertificationStanding.certification_id, CertificationStanding.percent,
               Certificate.id, Certificate.expires_on, Certificate.revoked_at)
        .outerjoin(Certificate, Certificate.id == CertificationStanding.certificate_id)
        .where(CertificationStanding.user_id == bindparam("user_id"))
    )  # fmt: skip


def standings_of(user_id: int, record=None) -> list[CertificationCard]:
    """Each active certification with the person's standing and latest certificate.
    `record`: the person's learning record (app.courses) when the caller has read it."""
    rows = read_rows(db.session, _standings_statement(), {"user_id": user_id})
    standings = {
        certification_id: (percent, HeldCertificate(*held) if held[0] is not None else None)
        for certification_id, percent, *held in rows
    }  # fmt: skip
    today = clock.today()
    certifications = shared_value("active certifications", _detached_certifications)
    items = requirement_items([user_id], certifications, record)
    cards = []
    for cert in certifications:
        percent, certificate = standings.get(cert.id, (0, None))
        percent = 100 if certificate else percent
        status = standing_status(certificate, percent, today)
        left = [] if certificate else [r for r in items.get((user_id, cert.id), []) if not r.met]
        cards.append(CertificationCard(cert, status, percent, certificate, left))
    _name_requirements(cards, current_language())
    return cards


def _detached_certifications() -> list[Certification]:
    """The active certifications, out of the session so that later requests can read them."""
    certifications = active_certifications()
    for certification in certifications:
        db.session.expunge(certification)
    return certifications


def _name_requirements(cards: list[CertificationCard], locale: str) -> None:
    """Each requirement left in words: the course or quiz by its title, the rest as a phrase."""
    if not any(card.left for card in cards):
        return
    titles = shared_value(("course and quiz titles", locale), lambda: _titles(locale))
    translate = get_translations().gettext  # the catalogue, looked up once for every phrase
    for card in cards:
        card.left = [_requirement_words(r, titles, translate) for r in card.left]


def _titles(locale: str) -> dict[tuple[str, str], str]:
    """Every course's and quiz's title in the language, by (kind, id)."""
    titles = {}
    for kind, model in (("course", Course), ("quiz", Quiz)):
        rows = db.session.execute(select(model.id, model.title))
        titles.update({(kind, ident): localized(title, locale) for ident, title in rows})
    return titles


def _requirement_words(requirement: Requirement, titles: dict, _) -> str:
    """`_`: the request's catalogue's gettext (the messages are extracted under that name)."""
    if requirement.kind == "acknowledgement":
        return _("Acknowledge the current service standards")
    if requirement.kind == "standard":
        return _("Meet the service standard %(id)s") % {"id": requirement.ref}
    title = titles.get((requirement.kind, requirement.ref), requirement.ref)
    if requirement.kind == "course":
        return _("Complete the course “%(title)s”") % {"title": title}
    return _("Pass the quiz “%(title)s”") % {"title": title}


def certification_home(record=None) -> list[CertificationCard]:
    """For the agent's home page (a template global: only pages that show it pay for it).
    `record`: the agent's learning record, when the page has read it (else Undefined)."""
    user = current_user._get_current_object()
    if not user.is_authenticated:
        return []
    record = record if getattr(record, "user_ids", None) == [user.id] else None
    return standings_of(user.id, record)
