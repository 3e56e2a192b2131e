"""change counters for kept pages: data_generation table, user.data_generation

Revision ID: 0006_page_cache
Revises: 0005_certification
Create Date: 2026-11-23 02:40:00

"""

import secrets

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0006_page_cache"
down_revision = "0005_certification"
branch_labels = None
depends_on = None


def upgrade():
    generation = op.create_table(
        "data_generation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("epoch", sa.BigInteger(), nullable=False),
        sa.Column("shared", sa.BigInteger(), nullable=False),
        sa.Column("overall", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_generation")),
    )
    op.bulk_insert(
        generation, [{"id": 1, "epoch": secrets.randbits(62), "shared": 0, "overall": 0}]
    )
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("data_generation", sa.BigInteger(), server_default="0", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("data_generation")
    op.drop_table("data_generation")
