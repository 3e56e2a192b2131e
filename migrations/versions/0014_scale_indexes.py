"""people in name order: indexes on (name_ar, id) and (name_en, id), so that a report's first
page by name reads 50 people instead of sorting all of them

Revision ID: 0014_scale_indexes
Revises: 0013_calibration
Create Date: 2026-12-05 22:30:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0014_scale_indexes"
down_revision = "0013_calibration"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.create_index("ix_user_name_ar_id", ["name_ar", "id"], unique=False)
        batch_op.create_index("ix_user_name_en_id", ["name_en", "id"], unique=False)


def downgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_index("ix_user_name_en_id")
        batch_op.drop_index("ix_user_name_ar_id")
