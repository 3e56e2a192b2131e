"""Published versions of the company's written service standards."""

from datetime import date, datetime

from sqlalchemy import JSON, Date, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models_base import UTCDateTime, utcnow


class StandardsVersion(db.Model):
    __tablename__ = "standards_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(String(20), unique=True)
    published: Mapped[date] = mapped_column(Date)
    definition: Mapped[dict] = mapped_column(JSON)
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
