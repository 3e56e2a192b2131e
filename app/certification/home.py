"""What an agent's home page and certificates page show of their certification."""

from __future__ import annotations

from dataclasses import dataclass

from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app import clock
from app.certification.models import Certificate, Certification, CertificationStanding
from app.certification.services import active_certifications, standing_status
from app.extensions import db


@dataclass
class CertificationCard:
    certification: Certification
    status: str
    percent: int
    certificate: Certificate | None


def standings_of(user_id: int) -> list[CertificationCard]:
    """Each active certification with the person's standing and latest certificate."""
    query = (
        select(CertificationStanding)
        .where(CertificationStanding.user_id == user_id)
        .options(joinedload(CertificationStanding.certificate))
    )
    rows = {row.certification_id: row for row in db.session.scalars(query)}
    today = clock.today()
    cards = []
    for cert in active_certifications():
        row = rows.get(cert.id)
        certificate = row.certificate if row else None
        percent = 100 if certificate else (row.percent if row else 0)
        status = standing_status(certificate, percent, today)
        cards.append(CertificationCard(cert, status, percent, certificate))
    return cards


def certification_home() -> list[CertificationCard]:
    """For the agent's home page (a template global: only pages that show it pay for it)."""
    if not current_user.is_authenticated:
        return []
    return standings_of(current_user.id)
