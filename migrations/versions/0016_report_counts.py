"""certification_report_count: the HR report's totals kept per certification, what a standing
counts as (not started, in progress, revoked, held until a date) and standards version, plus
the number of active agents; filled from the standings already stored

Revision ID: 0016_report_counts
Revises: 0015_evidence
Create Date: 2026-12-07 01:30:00

"""

from datetime import date

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0016_report_counts"
down_revision = "0015_evidence"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "certification_report_count",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bucket", sa.String(length=160), nullable=False),
        sa.Column("certification_id", sa.String(length=80), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("standards_version", sa.String(length=20), nullable=True),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["certification_id"], ["certification.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("bucket"),
    )
    bind = op.get_bind()
    rows = [
        _row(*found) for found in bind.execute(_standings()).all() + bind.execute(_agents()).all()
    ]
    rows = [row for row in rows if row["count"]]
    if rows:
        op.bulk_insert(_COUNT, rows)


def downgrade():
    op.drop_table("certification_report_count")


# The tables as they are at this revision.
_COUNT = sa.table("certification_report_count", sa.column("bucket", sa.String),
                  sa.column("certification_id", sa.String), sa.column("kind", sa.String),
                  sa.column("expires_on", sa.Date), sa.column("standards_version", sa.String),
                  sa.column("count", sa.Integer))  # fmt: skip
_USER = sa.table("user", sa.column("id", sa.Integer), sa.column("role", sa.String),
                 sa.column("active", sa.Boolean))  # fmt: skip
_STANDING = sa.table("certification_standing", sa.column("user_id", sa.Integer),
                     sa.column("certification_id", sa.String), sa.column("percent", sa.Integer),
                     sa.column("certificate_id", sa.Integer))  # fmt: skip
_CERTIFICATE = sa.table("certificate", sa.column("id", sa.Integer),
                        sa.column("revoked_at", sa.DateTime), sa.column("expires_on", sa.Date),
                        sa.column("standards_version", sa.String))  # fmt: skip
_AGENT = sa.and_(_USER.c.role == "agent", _USER.c.active)


def _standings():
    """As app.certification.counts counted when this revision was written."""
    certificate, standing = _CERTIFICATE.c, _STANDING.c
    kind = sa.case(
        (certificate.id.is_(None),
         sa.case((sa.func.coalesce(standing.percent, 0) > 0, "in_progress"), else_="not_started")),
        (certificate.revoked_at.is_not(None), "revoked"),
        else_="held",
    )  # fmt: skip
    held = sa.and_(certificate.id.is_not(None), certificate.revoked_at.is_(None))
    expires_on = sa.case((held, certificate.expires_on), else_=sa.null())
    return (
        sa.select(standing.certification_id, kind, expires_on, certificate.standards_version,
                  sa.func.count())
        .select_from(_STANDING)
        .join(_USER, sa.and_(_USER.c.id == standing.user_id, _AGENT))
        .outerjoin(_CERTIFICATE, certificate.id == standing.certificate_id)
        .group_by(standing.certification_id, kind, expires_on, certificate.standards_version)
    )  # fmt: skip


def _agents():
    return sa.select(sa.null(), sa.literal("agents"), sa.null(), sa.null(), sa.func.count()).where(
        _AGENT
    )


def _row(certification_id, kind, expires_on, version, count) -> dict:
    if isinstance(expires_on, str):
        expires_on = date.fromisoformat(expires_on)
    day = expires_on.isoformat() if expires_on else ""
    return {"bucket": f"{certification_id or ''}|{kind}|{day}|{version or ''}",
            "certification_id": certification_id, "kind": kind, "expires_on": expires_on,
            "standards_version": version, "count": count}  # fmt: skip
