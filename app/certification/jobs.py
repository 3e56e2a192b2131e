"""The certification steps of the daily job."""

from app.certification import counts, reminders, renewal, services
from app.extensions import db
from app.jobs.registry import daily_step


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


@daily_step("certification report totals checked", order=55)
def daily_report_counts() -> dict:
    """The HR report's kept totals compared with a recount of every standing; buckets that
    differ (rows written around the app, such as a bulk load) are set right and counted."""
    return {"report_counts_corrected": counts.check(db.session)}
