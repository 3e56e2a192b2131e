"""certification_report_count.percent: the standings of active agents in progress (no
certificate, percent above 0) counted again by certification and percent, so that the HR
report sorted by progress reads each percent's cells as a part sorted by name; filled from the
standings already stored. certification_standing.percent indexed, so that a rare percent's few
cells are found without reading every standing

Revision ID: 0018_progress_counts
Revises: 0017_standing_certificate_index
Create Date: 2026-12-06 23:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0018_progress_counts"
down_revision = "0017_standing_certificate_index"
branch_labels = None
depends_on = None

PROGRESS = "progress"


def upgrade():
    with op.batch_alter_table("certification_report_count", schema=None) as batch_op:
        batch_op.add_column(sa.Column("percent", sa.Integer(), nullable=True))
    with op.batch_alter_table("certification_standing", schema=None) as batch_op:
        batch_op.create_index("ix_certification_standing_percent", ["percent"], unique=False)
    standing, user = _STANDING.c, _USER.c
    counted = (
        sa.select(standing.certification_id, standing.percent, sa.func.count())
        .select_from(_STANDING)
        .join(_USER, sa.and_(user.id == standing.user_id, user.role == "agent", user.active))
        .where(standing.certificate_id.is_(None), standing.percent > 0)
        .group_by(standing.certification_id, standing.percent)
    )
    rows = [
        {"bucket": f"{certification_id}|{PROGRESS}|||{percent}",
         "certification_id": certification_id, "kind": PROGRESS, "percent": percent,
         "count": count}
        for certification_id, percent, count in op.get_bind().execute(counted)
    ]  # fmt: skip
    if rows:
        op.bulk_insert(_COUNT, rows)


def downgrade():
    with op.batch_alter_table("certification_standing", schema=None) as batch_op:
        batch_op.drop_index("ix_certification_standing_percent")
    op.execute(_COUNT.delete().where(_COUNT.c.kind == PROGRESS))
    with op.batch_alter_table("certification_report_count", schema=None) as batch_op:
        batch_op.drop_column("percent")


# The tables as they are at this revision.
_COUNT = sa.table("certification_report_count", sa.column("bucket", sa.String),
                  sa.column("certification_id", sa.String), sa.column("kind", sa.String),
                  sa.column("percent", sa.Integer), sa.column("count", sa.Integer))  # fmt: skip
_USER = sa.table("user", sa.column("id", sa.Integer), sa.column("role", sa.String),
                 sa.column("active", sa.Boolean))  # fmt: skip
_STANDING = sa.table("certification_standing", sa.column("user_id", sa.Integer),
                     sa.column("certification_id", sa.String),
                     sa.column("percent", sa.Integer),
                     sa.column("certificate_id", sa.Integer))  # fmt: skip
