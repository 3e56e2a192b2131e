"""The current time and date of the installation. Tests travel in time by setting FIXED_NOW."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app


def now() -> datetime:
    fixed = current_app.config.get("FIXED_NOW")
    return fixed if fixed is not None else datetime.now(UTC)


def today() -> date:
    """Today in the installation's time zone (due dates are local dates)."""
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return now().astimezone(zone).date()
