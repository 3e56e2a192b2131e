"""API tokens named by what their administrator called them where other records (the audit
log) keep them by id; registered at app start."""

from sqlalchemy import select

from app import references
from app.api.models import ApiToken
from app.extensions import db


def token_names(ids: set[str], _lang: str) -> dict[str, str]:
    query = select(ApiToken.id, ApiToken.name).where(ApiToken.id.in_(references.int_ids(ids)))
    return {str(row.id): row.name for row in db.session.execute(query)}


references.register("api_token", token_names, objects=("api_token",))
