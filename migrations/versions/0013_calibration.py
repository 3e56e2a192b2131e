"""calibration: sessions in which several reviewers score the same conversations or role-play
replies blind, their members, items, scores, the discussion per item and the agreed scores

Revision ID: 0013_calibration
Revises: 0012_placement
Create Date: 2026-12-21 09:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0013_calibration"
down_revision = "0012_placement"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "calibration_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("scoring_closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["lead_id"], ["user.id"], name=op.f("fk_calibration_session_lead_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calibration_session")),
    )
    with op.batch_alter_table("calibration_session", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_calibration_session_lead_id"), ["lead_id"], unique=False
        )

    op.create_table(
        "calibration_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=True),
        sa.Column("scorecard_id", sa.Integer(), nullable=True),
        sa.Column("answer_id", sa.Integer(), nullable=True),
        sa.Column("turn", sa.String(length=80), server_default="", nullable=False),
        sa.CheckConstraint(
            "(conversation_id IS NULL) <> (answer_id IS NULL)",
            name=op.f("ck_calibration_item_one_subject"),
        ),
        sa.ForeignKeyConstraint(
            ["answer_id"], ["answer.id"], name=op.f("fk_calibration_item_answer_id_answer")
        ),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversation.id"],
            name=op.f("fk_calibration_item_conversation_id_conversation"),
        ),
        sa.ForeignKeyConstraint(
            ["scorecard_id"],
            ["conversation_scorecard.id"],
            name=op.f("fk_calibration_item_scorecard_id_conversation_scorecard"),
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["calibration_session.id"],
            name=op.f("fk_calibration_item_session_id_calibration_session"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calibration_item")),
        sa.UniqueConstraint(
            "session_id", "answer_id", "turn", name=op.f("uq_calibration_item_answer_turn")
        ),
        sa.UniqueConstraint(
            "session_id", "conversation_id", name=op.f("uq_calibration_item_session_id")
        ),
    )
    with op.batch_alter_table("calibration_item", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_calibration_item_answer_id"), ["answer_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_calibration_item_conversation_id"), ["conversation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_calibration_item_session_id"), ["session_id"], unique=False
        )

    op.create_table(
        "calibration_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["reviewer_id"], ["user.id"], name=op.f("fk_calibration_member_reviewer_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["calibration_session.id"],
            name=op.f("fk_calibration_member_session_id_calibration_session"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calibration_member")),
        sa.UniqueConstraint(
            "session_id", "reviewer_id", name=op.f("uq_calibration_member_session_id")
        ),
    )
    with op.batch_alter_table("calibration_member", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_calibration_member_reviewer_id"), ["reviewer_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_calibration_member_session_id"), ["session_id"], unique=False
        )

    op.create_table(
        "calibration_agreed",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("scorecard_item", sa.String(length=80), nullable=False),
        sa.Column("rating", sa.String(length=8), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["user.id"], name=op.f("fk_calibration_agreed_decided_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["calibration_item.id"],
            name=op.f("fk_calibration_agreed_item_id_calibration_item"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calibration_agreed")),
        sa.UniqueConstraint(
            "item_id", "scorecard_item", name=op.f("uq_calibration_agreed_item_id")
        ),
    )
    with op.batch_alter_table("calibration_agreed", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_calibration_agreed_decided_at"), ["decided_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_calibration_agreed_item_id"), ["item_id"], unique=False
        )

    op.create_table(
        "calibration_comment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("scorecard_item", sa.String(length=80), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=1000), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["user.id"], name=op.f("fk_calibration_comment_author_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["calibration_item.id"],
            name=op.f("fk_calibration_comment_item_id_calibration_item"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calibration_comment")),
    )
    with op.batch_alter_table("calibration_comment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_calibration_comment_item_id"), ["item_id"], unique=False
        )

    op.create_table(
        "calibration_score",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=False),
        sa.Column("scorecard_item", sa.String(length=80), nullable=False),
        sa.Column("rating", sa.String(length=8), nullable=False),
        sa.Column("comment", sa.String(length=1000), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["calibration_item.id"],
            name=op.f("fk_calibration_score_item_id_calibration_item"),
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_id"], ["user.id"], name=op.f("fk_calibration_score_reviewer_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calibration_score")),
        sa.UniqueConstraint(
            "item_id", "reviewer_id", "scorecard_item", name=op.f("uq_calibration_score_item_id")
        ),
    )
    with op.batch_alter_table("calibration_score", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_calibration_score_item_id"), ["item_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_calibration_score_reviewer_id"), ["reviewer_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("calibration_score", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_calibration_score_reviewer_id"))
        batch_op.drop_index(batch_op.f("ix_calibration_score_item_id"))

    op.drop_table("calibration_score")
    with op.batch_alter_table("calibration_comment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_calibration_comment_item_id"))

    op.drop_table("calibration_comment")
    with op.batch_alter_table("calibration_agreed", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_calibration_agreed_item_id"))
        batch_op.drop_index(batch_op.f("ix_calibration_agreed_decided_at"))

    op.drop_table("calibration_agreed")
    with op.batch_alter_table("calibration_member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_calibration_member_session_id"))
        batch_op.drop_index(batch_op.f("ix_calibration_member_reviewer_id"))

    op.drop_table("calibration_member")
    with op.batch_alter_table("calibration_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_calibration_item_session_id"))
        batch_op.drop_index(batch_op.f("ix_calibration_item_conversation_id"))
        batch_op.drop_index(batch_op.f("ix_calibration_item_answer_id"))

    op.drop_table("calibration_item")
    with op.batch_alter_table("calibration_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_calibration_session_lead_id"))

    op.drop_table("calibration_session")
