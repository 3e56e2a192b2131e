from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models_base import UTCDateTime, utcnow


class ContentVersion(db.Model):
    """One successful sync: the hash of every content file at that moment."""

    __tablename__ = "content_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    synced_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    synced_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    summary: Mapped[dict] = mapped_column(JSON, default=dict)
