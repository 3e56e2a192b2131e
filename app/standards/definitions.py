"""What a version of the service standards defines (its standards, rules, window and
evidence weights), which version is current, and the statuses stored for agents: read by the
standards services and by the statuses' recompute alike."""

from __future__ import annotations

from functools import cache

from flask import current_app, g
from sqlalchemy import select
from sqlalchemy.orm import defer

from app.database import users_filter, users_parameters
from app.extensions import db
from app.models_base import localized
from app.standards.compliance import Rule
from app.standards.models import ComplianceStatus, StandardsVersion

DEFAULT_WINDOW_DAYS = 90


@cache
def _current_version_statement():
    # The definition is large; it loads on first use, and most callers only need the id.
    return (
        select(StandardsVersion)
        .options(defer(StandardsVersion.definition))
        .order_by(StandardsVersion.published.desc(), StandardsVersion.id.desc())
        .limit(1)
    )


def current_version() -> StandardsVersion | None:
    """The latest published version, by publication date then id (None before any sync)."""
    return db.session.scalar(_current_version_statement())


def cached_current_version() -> StandardsVersion | None:
    """The current version, read once per request (the banner and the page both need it)."""
    if "standards_version" not in g:
        g.standards_version = current_version()
    return g.standards_version


def standards_of(version: StandardsVersion | None) -> list[dict]:
    return list(version.definition.get("standards", [])) if version else []


def rules_of(version: StandardsVersion | None) -> list[Rule]:
    return [Rule.from_definition(standard) for standard in standards_of(version)]


def window_days_of(version: StandardsVersion | None) -> int:
    if version is None:
        return DEFAULT_WINDOW_DAYS
    return int(version.definition.get("window_days") or DEFAULT_WINDOW_DAYS)


def evidence_weights_of(version: StandardsVersion | None) -> dict[str, float]:
    """Each evidence source's weight (`evidence_weights` in standards.yaml; 1 if not given)."""
    return dict(version.definition.get("evidence_weights") or {}) if version else {}


def metrics_of(version: StandardsVersion | None) -> dict[str, dict]:
    return {m["id"]: m for m in version.definition.get("metrics", [])} if version else {}


def standard_label(standard: dict, locale: str) -> str:
    return f"{standard['id']} {localized(standard.get('title'), locale)}"


def path_for(endpoint: str, **values) -> str:
    """A URL path built without a request (the daily job and content syncs run from the CLI)."""
    return current_app.url_map.bind("localhost").build(endpoint, values)


def stored_statuses(user_ids: list[int]) -> dict[tuple[int, str], ComplianceStatus]:
    """The stored status rows of these users, in one query."""
    if not user_ids:
        return {}
    statement = _stored_statuses_statement(len(user_ids) == 1)
    rows = db.session.scalars(statement, users_parameters(user_ids))
    return {(row.user_id, row.standard_id): row for row in rows}


@cache
def _stored_statuses_statement(one: bool):
    return select(ComplianceStatus).where(users_filter(ComplianceStatus.user_id, one))
