"""Certificates are issued (and refreshers renew them) the moment another capability's event
shows the requirements met; connected at app start."""

from app import events
from app.certification import renewal, services


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
