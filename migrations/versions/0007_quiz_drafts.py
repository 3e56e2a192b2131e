"""quiz drafts: what a person typed into a quiz form and has not submitted yet

Revision ID: 0007_quiz_drafts
Revises: 0006_page_cache
Create Date: 2026-12-05 01:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0007_quiz_drafts"
down_revision = "0006_page_cache"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "quiz_draft",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("quiz_version_id", sa.Integer(), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["quiz_version_id"], ["quiz_version.id"],
            name=op.f("fk_quiz_draft_quiz_version_id_quiz_version"),
        ),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_quiz_draft_user_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quiz_draft")),
        sa.UniqueConstraint("user_id", "quiz_version_id", name=op.f("uq_quiz_draft_user_id")),
    )  # fmt: skip
    with op.batch_alter_table("quiz_draft", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_quiz_draft_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("quiz_draft", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quiz_draft_user_id"))
    op.drop_table("quiz_draft")
