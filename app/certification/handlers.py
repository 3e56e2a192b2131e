"""Certificates are issued (and refreshers renew them) the moment another capability's event
shows the requirements met; certifications and certificates are named where other records keep
them by id; the report's counts follow every session's changes. Connected at app start."""

from flask_babel import gettext as _
from flask_sqlalchemy.session import Session as FlaskSQLAlchemySession
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app import events, references
from app.certification import counts, renewal, services
from app.certification.models import Certificate, Certification
from app.extensions import db


@events.course_completed.connect
def course_completed(_course_id, *, user_id, **_) -> None:
    services.evaluate_certifications(user_id)
    renewal.renew_where_refreshed([user_id])


@events.course_recognised.connect
def course_recognised(recognition, **_) -> None:
    # Only certifications that accept recognised courses can change; evaluating is cheap.
    services.evaluate_certifications(recognition.user_id)


@events.standard_status_changed.connect
def statuses_changed(_sender, *, user_ids, **_) -> None:
    services.evaluate_users(user_ids)


@events.standards_acknowledged.connect
def standards_acknowledged(_version, *, user_id, **_) -> None:
    services.evaluate_users([user_id])


@events.attempt_submitted.connect
def quiz_passed(attempt, **_) -> None:
    """A passed quiz that a certification requires may complete it."""
    if attempt.auto_passed and attempt.quiz_id in services.required_quiz_ids():
        services.evaluate_users([attempt.user_id])


@events.score_overridden.connect
def quiz_passed_on_review(attempt, *, override, **_) -> None:
    if override.passed and attempt.quiz_id in services.required_quiz_ids():
        services.evaluate_users([attempt.user_id])


def certification_names(ids: set[str], lang: str) -> dict[str, str]:
    found = db.session.scalars(select(Certification).where(Certification.id.in_(ids)))
    return {cert.id: cert.title_in(lang) for cert in found}


def certificate_names(ids: set[str], lang: str) -> dict[str, str]:
    query = (
        select(Certificate)
        .options(joinedload(Certificate.certification), joinedload(Certificate.user))
        .where(Certificate.id.in_(references.int_ids(ids)))
    )
    return {
        str(c.id): _(
            "%(certification)s of %(person)s",
            certification=c.certification.title_in(lang),
            person=c.user.name(lang),
        )  # fmt: skip
        for c in db.session.scalars(query)
    }


# The HR report's totals move in the transaction that moves what they count.
counts.install(FlaskSQLAlchemySession)

references.register("certification", certification_names, keys=("certification",))
references.register("certificate", certificate_names, objects=("certificate",))
