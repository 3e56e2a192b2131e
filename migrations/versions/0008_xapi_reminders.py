"""xAPI outbox and certification expiry reminders: statements queued for a Learning Record
Store; the days before expiry on which holders and managers are reminded, per certification

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
    op.create_table(
        "xapi_statement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("statement_id", sa.String(length=36), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("verb", sa.String(length=20), nullable=False),
        sa.Column("statement", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claim_token", sa.String(length=32), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_xapi_statement_user_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_xapi_statement")),
        sa.UniqueConstraint("statement_id", name=op.f("uq_xapi_statement_statement_id")),
    )  # fmt: skip
    with op.batch_alter_table("xapi_statement", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_xapi_statement_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_xapi_statement_user_id"), ["user_id"], unique=False)
    with op.batch_alter_table("certification", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("reminder_days", sa.JSON(), server_default="[90, 60, 30, 7]", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("certification", schema=None) as batch_op:
        batch_op.drop_column("reminder_days")
    with op.batch_alter_table("xapi_statement", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_xapi_statement_user_id"))
        batch_op.drop_index(batch_op.f("ix_xapi_statement_status"))
    op.drop_table("xapi_statement")
