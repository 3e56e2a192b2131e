"""Content loads named by when they happened where other records (the audit log) keep them by
id; registered at app start."""

from flask_babel import format_datetime
from flask_babel import gettext as _
from sqlalchemy import select

from app import references
from app.content.models import ContentVersion
from app.extensions import db


def version_names(ids: set[str], _lang: str) -> dict[str, str]:
    query = select(ContentVersion.id, ContentVersion.synced_at).where(
        ContentVersion.id.in_(references.int_ids(ids))
    )
    return {
        str(row.id): _("loaded %(when)s", when=format_datetime(row.synced_at, "medium"))
        for row in db.session.execute(query)
    }


references.register("content_version", version_names, objects=("content_version",))
