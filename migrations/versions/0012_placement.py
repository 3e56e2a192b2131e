"""placement test: courses recognised by a placement quiz, with the section score and the
attempt; placement quizzes belong to no course; assignments closed by a recognition; whether a
certification accepts recognised courses

Revision ID: 0012_placement
Revises: 0011_conversations
Create Date: 2026-12-20 09:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0012_placement"
down_revision = "0011_conversations"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "course_recognition",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.String(length=80), nullable=False),
        sa.Column("attempt_id", sa.Integer(), nullable=False),
        sa.Column("section", sa.String(length=80), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("recognised_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["attempt_id"], ["attempt.id"], name=op.f("fk_course_recognition_attempt_id_attempt")
        ),
        sa.ForeignKeyConstraint(
            ["course_id"], ["course.id"], name=op.f("fk_course_recognition_course_id_course")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_course_recognition_user_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_course_recognition")),
        sa.UniqueConstraint(
            "user_id", "course_id", name=op.f("uq_course_recognition_user_id")
        ),
    )  # fmt: skip
    with op.batch_alter_table("course_recognition", schema=None) as batch_op:
        for column in ("attempt_id", "course_id", "user_id"):
            batch_op.create_index(batch_op.f(f"ix_course_recognition_{column}"), [column])
    with op.batch_alter_table("assignment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("recognition_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_assignment_recognition_id_course_recognition"),
            "course_recognition", ["recognition_id"], ["id"],
        )  # fmt: skip
    with op.batch_alter_table("quiz", schema=None) as batch_op:
        batch_op.alter_column("course_id", existing_type=sa.String(length=80), nullable=True)
    with op.batch_alter_table("certification", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("accept_recognised", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade():
    # A placement quiz has no course and cannot stay in a table that requires one; its
    # attempts are records, so they are not deleted to make the downgrade pass.
    placement = op.get_bind().execute(sa.text("SELECT id FROM quiz WHERE course_id IS NULL"))
    if placement.first() is not None:
        raise RuntimeError("placement quizzes are loaded: this downgrade would lose them")
    with op.batch_alter_table("certification", schema=None) as batch_op:
        batch_op.drop_column("accept_recognised")
    with op.batch_alter_table("assignment", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_assignment_recognition_id_course_recognition"), type_="foreignkey"
        )
        batch_op.drop_column("recognition_id")
    op.drop_table("course_recognition")
    with op.batch_alter_table("quiz", schema=None) as batch_op:
        batch_op.alter_column("course_id", existing_type=sa.String(length=80), nullable=False)
