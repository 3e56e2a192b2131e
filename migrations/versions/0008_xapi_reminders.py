"""certification expiry reminders: the days before expiry on which holders and managers are
reminded, per certification

Revision ID: 0008_xapi_reminders
Revises: 0007_quiz_drafts
Create Date: 2026-12-12 09:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0008_xapi_reminders"
down_revision = "0007_quiz_drafts"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("certification", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("reminder_days", sa.JSON(), server_default="[90, 60, 30, 7]", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("certification", schema=None) as batch_op:
        batch_op.drop_column("reminder_days")
