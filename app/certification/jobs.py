"""The certification steps of the daily job, and the hook that issues certificates the moment
a course completes."""

from app.certification import reminders, renewal, services
from app.courses import services as courses
from app.jobs.registry import daily_step


def on_course_completed(user_id: int, _course_id: str) -> None:
    services.evaluate_certifications(user_id)
    renewal.renew_where_refreshed([user_id])


def on_course_recognised(user_id: int, _course_id: str) -> None:
    # Only certifications that accept recognised courses can change; evaluating is cheap.
    services.evaluate_certifications(user_id)


courses.COURSE_COMPLETED_HOOKS.append(on_course_completed)
courses.COURSE_RECOGNISED_HOOKS.append(on_course_recognised)


@daily_step("certificate expiries", order=30)
def daily_expiries() -> dict:
    """Current certificates past their expiry date become expired (once each)."""
    return {"expired": services.expire_certificates()}


@daily_step("certificate expiry reminders", order=35)
def daily_expiry_reminders() -> dict:
    """Reminders to holders and their managers on the days before expiry each certification
    names; each is sent once."""
    return reminders.send_expiry_reminders()


@daily_step("certificate renewals", order=40)
def daily_renewals() -> dict:
    """Refreshers done again renew their certificates; certificates entering their renewal
    window get refresher assignments (once per certificate)."""
    renewed = renewal.renew_where_refreshed()
    return {"renewed": renewed, "renewal_windows_opened": renewal.open_renewal_windows()}


@daily_step("certificates issued", order=50)
def daily_issue() -> dict:
    """Standings of every active agent refreshed; certificates earned (for instance through a
    standards status or an acknowledgement) are issued."""
    return {"issued": services.evaluate_all_agents()}
