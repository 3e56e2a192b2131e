"""Column helpers shared by the models of every capability."""

from datetime import UTC, datetime

__all__ = ["UTC", "UTCDateTime", "localized", "utcnow"]

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Stores timezone-aware UTC datetimes; SQLite hands them back naive, so re-attach UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None:
            if value.tzinfo is None:
                raise ValueError("naive datetime given; store UTC-aware datetimes")
            value = value.astimezone(UTC)
        return value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


def localized(value: dict | str | None, locale: str) -> str:
    """Pick the text for a locale from a {ar, en} mapping, falling back to the other language."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return value.get(locale) or next((v for v in value.values() if v), "")
