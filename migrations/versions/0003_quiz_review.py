"""role-play answer scores, answer flags, dialogue drafts

Revision ID: 0003_quiz_review
Revises: 0002_progress_attempts
Create Date: 2026-11-23 00:50:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0003_quiz_review"
down_revision = "0002_progress_attempts"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "dialogue_draft",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("quiz_version_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.String(length=80), nullable=False),
        sa.Column("replies", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["quiz_version_id"],
            ["quiz_version.id"],
            name=op.f("fk_dialogue_draft_quiz_version_id_quiz_version"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_dialogue_draft_user_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dialogue_draft")),
        sa.UniqueConstraint(
            "user_id", "quiz_version_id", "question_id", name=op.f("uq_dialogue_draft_user_id")
        ),
    )
    with op.batch_alter_table("dialogue_draft", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dialogue_draft_user_id"), ["user_id"], unique=False)

    op.create_table(
        "answer_flag",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("answer_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=1000), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["answer_id"], ["answer.id"], name=op.f("fk_answer_flag_answer_id_answer")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_answer_flag_user_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_answer_flag")),
        sa.UniqueConstraint("answer_id", "user_id", name=op.f("uq_answer_flag_answer_id")),
    )
    with op.batch_alter_table("answer_flag", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_answer_flag_answer_id"), ["answer_id"], unique=False)

    with op.batch_alter_table("answer", schema=None) as batch_op:
        batch_op.add_column(sa.Column("score", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("confidence", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("pass_mark", sa.Integer(), nullable=True))

    with op.batch_alter_table("score_override", schema=None) as batch_op:
        batch_op.add_column(sa.Column("answer_score", sa.Float(), nullable=True))


def downgrade():
    with op.batch_alter_table("score_override", schema=None) as batch_op:
        batch_op.drop_column("answer_score")
    with op.batch_alter_table("answer", schema=None) as batch_op:
        batch_op.drop_column("pass_mark")
        batch_op.drop_column("confidence")
        batch_op.drop_column("score")
    with op.batch_alter_table("answer_flag", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_answer_flag_answer_id"))
    op.drop_table("answer_flag")
    with op.batch_alter_table("dialogue_draft", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dialogue_draft_user_id"))
    op.drop_table("dialogue_draft")
