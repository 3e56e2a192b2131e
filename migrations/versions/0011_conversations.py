"""conversations: imported transcripts with their scored agent turns, scorecards per channel,
reviews with items, disputes, the reviewers' queue and the sampling rules

Revision ID: 0011_conversations
Revises: 0010_accounts
Create Date: 2026-12-12 01:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0011_conversations"
down_revision = "0010_accounts"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "conversation_sampling_rule",
        sa.Column("team_code", sa.String(length=40), nullable=False),
        sa.Column("per_agent_per_month", sa.Integer(), nullable=False),
        sa.Column("below_standards", sa.JSON(), nullable=False),
        sa.Column("below_per_agent_per_month", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("team_code", name=op.f("pk_conversation_sampling_rule")),
    )
    op.create_table(
        "conversation_scorecard",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("definition", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversation_scorecard")),
        sa.UniqueConstraint("key", "digest", name=op.f("uq_conversation_scorecard_key")),
    )
    with op.batch_alter_table("conversation_scorecard", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_conversation_scorecard_key"), ["key"], unique=False)

    op.create_table(
        "conversation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=120), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("scorecard_id", sa.Integer(), nullable=False),
        sa.Column("auto_score", sa.Float(), nullable=True),
        sa.Column("auto_failed", sa.Boolean(), nullable=False),
        sa.Column("auto_items", sa.JSON(), nullable=False),
        sa.Column("auto_criteria", sa.JSON(), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("imported_by_id", sa.Integer(), nullable=True),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_id"], ["user.id"], name=op.f("fk_conversation_agent_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["imported_by_id"], ["user.id"], name=op.f("fk_conversation_imported_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["scorecard_id"],
            ["conversation_scorecard.id"],
            name=op.f("fk_conversation_scorecard_id_conversation_scorecard"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversation")),
        sa.UniqueConstraint("external_id", name=op.f("uq_conversation_external_id")),
    )
    with op.batch_alter_table("conversation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_conversation_agent_id"), ["agent_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_conversation_started_at"), ["started_at"], unique=False
        )

    op.create_table(
        "conversation_queue_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("queued_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversation.id"],
            name=op.f("fk_conversation_queue_item_conversation_id_conversation"),
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_id"], ["user.id"], name=op.f("fk_conversation_queue_item_reviewer_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversation_queue_item")),
        sa.UniqueConstraint(
            "conversation_id", name=op.f("uq_conversation_queue_item_conversation_id")
        ),
    )
    with op.batch_alter_table("conversation_queue_item", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_conversation_queue_item_reviewer_id"), ["reviewer_id"], unique=False
        )

    op.create_table(
        "conversation_review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("scorecard_id", sa.Integer(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("failed", sa.Boolean(), nullable=False),
        sa.Column("supersedes_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversation.id"],
            name=op.f("fk_conversation_review_conversation_id_conversation"),
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_id"], ["user.id"], name=op.f("fk_conversation_review_reviewer_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["scorecard_id"],
            ["conversation_scorecard.id"],
            name=op.f("fk_conversation_review_scorecard_id_conversation_scorecard"),
        ),
        sa.ForeignKeyConstraint(
            ["supersedes_id"],
            ["conversation_review.id"],
            name=op.f("fk_conversation_review_supersedes_id_conversation_review"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversation_review")),
        sa.UniqueConstraint("supersedes_id", name=op.f("uq_conversation_review_supersedes_id")),
    )
    with op.batch_alter_table("conversation_review", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_conversation_review_conversation_id"), ["conversation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_conversation_review_reviewer_id"), ["reviewer_id"], unique=False
        )

    op.create_table(
        "conversation_turn",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("speaker", sa.String(length=8), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversation.id"],
            name=op.f("fk_conversation_turn_conversation_id_conversation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversation_turn")),
        sa.UniqueConstraint(
            "conversation_id", "position", name=op.f("uq_conversation_turn_conversation_id")
        ),
    )
    op.create_table(
        "conversation_dispute",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=1000), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolver_id", sa.Integer(), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(length=8), nullable=True),
        sa.Column("resolution", sa.String(length=1000), nullable=False),
        sa.Column("new_review_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["agent_id"], ["user.id"], name=op.f("fk_conversation_dispute_agent_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["new_review_id"],
            ["conversation_review.id"],
            name=op.f("fk_conversation_dispute_new_review_id_conversation_review"),
        ),
        sa.ForeignKeyConstraint(
            ["resolver_id"], ["user.id"], name=op.f("fk_conversation_dispute_resolver_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["review_id"],
            ["conversation_review.id"],
            name=op.f("fk_conversation_dispute_review_id_conversation_review"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversation_dispute")),
        sa.UniqueConstraint("review_id", name=op.f("uq_conversation_dispute_review_id")),
    )
    with op.batch_alter_table("conversation_dispute", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_conversation_dispute_agent_id"), ["agent_id"], unique=False
        )

    op.create_table(
        "conversation_review_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.String(length=80), nullable=False),
        sa.Column("rating", sa.String(length=8), nullable=False),
        sa.Column("comment", sa.String(length=1000), nullable=False),
        sa.ForeignKeyConstraint(
            ["review_id"],
            ["conversation_review.id"],
            name=op.f("fk_conversation_review_item_review_id_conversation_review"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversation_review_item")),
        sa.UniqueConstraint(
            "review_id", "item_id", name=op.f("uq_conversation_review_item_review_id")
        ),
    )


def downgrade():
    op.drop_table("conversation_review_item")
    with op.batch_alter_table("conversation_dispute", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_conversation_dispute_agent_id"))

    op.drop_table("conversation_dispute")
    op.drop_table("conversation_turn")
    with op.batch_alter_table("conversation_review", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_conversation_review_reviewer_id"))
        batch_op.drop_index(batch_op.f("ix_conversation_review_conversation_id"))

    op.drop_table("conversation_review")
    with op.batch_alter_table("conversation_queue_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_conversation_queue_item_reviewer_id"))

    op.drop_table("conversation_queue_item")
    with op.batch_alter_table("conversation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_conversation_started_at"))
        batch_op.drop_index(batch_op.f("ix_conversation_agent_id"))

    op.drop_table("conversation")
    with op.batch_alter_table("conversation_scorecard", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_conversation_scorecard_key"))

    op.drop_table("conversation_scorecard")
    op.drop_table("conversation_sampling_rule")
