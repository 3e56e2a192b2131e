"""The current time and date of the installation. Tests travel in time by setting FIXED_NOW."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app


def now() -> datetime:
    fixed = current_app.config.get("FIXED_NOW")
    return fixed if fixed is not None else datetime.now(UTC)


def today() -> date:
    """Today in the installation's time zone (due dates are local dates)."""
    return now().astimezone(zone()).date()


def zone() -> ZoneInfo:
    """The installation's time zone."""
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def day_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """The instants from the start of the local day `first` to the end of `last`."""
    local = zone()
    start = datetime.combine(first, time(), local)
    return start, datetime.combine(last + timedelta(days=1), time(), local)
