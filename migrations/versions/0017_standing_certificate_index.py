"""certification_standing.certificate_id indexed, so that the HR report sorted by the
certificates' end dates walks the certificates in date order and finds each one's standing
instead of sorting every cell

Revision ID: 0017_standing_certificate_index
Revises: 0016_report_counts
Create Date: 2026-12-06 19:50:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0017_standing_certificate_index"
down_revision = "0016_report_counts"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("certification_standing", schema=None) as batch_op:
        batch_op.create_index(
            "ix_certification_standing_certificate_id", ["certificate_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("certification_standing", schema=None) as batch_op:
        batch_op.drop_index("ix_certification_standing_certificate_id")
