"""standards observations, KPIs, acknowledgements, compliance

Revision ID: 0004_standards
Revises: 0003_quiz_review
Create Date: 2026-11-23 00:40:58.967690

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0004_standards"
down_revision = "0003_quiz_review"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "standards_acknowledgement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_standards_acknowledgement_user_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["standards_version.id"],
            name=op.f("fk_standards_acknowledgement_version_id_standards_version"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_standards_acknowledgement")),
        sa.UniqueConstraint(
            "user_id", "version_id", name=op.f("uq_standards_acknowledgement_user_id")
        ),
    )
    with op.batch_alter_table("standards_acknowledgement", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_standards_acknowledgement_user_id"), ["user_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_standards_acknowledgement_version_id"), ["version_id"], unique=False
        )
    op.create_table(
        "standards_compliance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("standard_id", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("evidence_count", sa.Integer(), nullable=False),
        sa.Column("since", sa.Date(), nullable=False),
        sa.Column("computed_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_standards_compliance_user_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_standards_compliance")),
        sa.UniqueConstraint("user_id", "standard_id", name=op.f("uq_standards_compliance_user_id")),
    )
    op.create_table(
        "standards_compliance_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("standard_id", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("previous", sa.String(length=12), nullable=True),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("changed_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_standards_compliance_change_user_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_standards_compliance_change")),
    )
    with op.batch_alter_table("standards_compliance_change", schema=None) as batch_op:
        batch_op.create_index(
            "ix_compliance_change_user_standard", ["user_id", "standard_id"], unique=False
        )
    op.create_table(
        "standards_critical",
        sa.Column("standard_id", sa.String(length=10), nullable=False),
        sa.Column("marked_by_id", sa.Integer(), nullable=True),
        sa.Column("marked_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["marked_by_id"], ["user.id"], name=op.f("fk_standards_critical_marked_by_id_user")
        ),
        sa.PrimaryKeyConstraint("standard_id", name=op.f("pk_standards_critical")),
    )
    op.create_table(
        "standards_kpi_upload",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=43), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"],
            ["user.id"],
            name=op.f("fk_standards_kpi_upload_uploaded_by_id_user"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_standards_kpi_upload")),
        sa.UniqueConstraint("token", name=op.f("uq_standards_kpi_upload_token")),
    )
    op.create_table(
        "standards_observation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("manager_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("observed_on", sa.Date(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("reference", sa.String(length=120), nullable=False),
        sa.Column("corrects_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=1000), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("failed", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["agent_id"], ["user.id"], name=op.f("fk_standards_observation_agent_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["corrects_id"],
            ["standards_observation.id"],
            name=op.f("fk_standards_observation_corrects_id_standards_observation"),
        ),
        sa.ForeignKeyConstraint(
            ["manager_id"], ["user.id"], name=op.f("fk_standards_observation_manager_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["standards_version.id"],
            name=op.f("fk_standards_observation_version_id_standards_version"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_standards_observation")),
        sa.UniqueConstraint("corrects_id", name=op.f("uq_standards_observation_corrects_id")),
    )
    with op.batch_alter_table("standards_observation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_standards_observation_agent_id"), ["agent_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_standards_observation_manager_id"), ["manager_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_standards_observation_observed_on"), ["observed_on"], unique=False
        )
    op.create_table(
        "standards_kpi_value",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("metric", sa.String(length=60), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=True),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["standards_kpi_upload.id"],
            name=op.f("fk_standards_kpi_value_import_id_standards_kpi_upload"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_standards_kpi_value_user_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_standards_kpi_value")),
        sa.UniqueConstraint(
            "user_id",
            "metric",
            "period_start",
            "period_end",
            name=op.f("uq_standards_kpi_value_user_id"),
        ),
    )
    with op.batch_alter_table("standards_kpi_value", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_standards_kpi_value_period_end"), ["period_end"], unique=False
        )
    op.create_table(
        "standards_observation_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("observation_id", sa.Integer(), nullable=False),
        sa.Column("standard_id", sa.String(length=10), nullable=False),
        sa.Column("rating", sa.String(length=8), nullable=False),
        sa.Column("comment", sa.String(length=1000), nullable=False),
        sa.Column("critical", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["observation_id"],
            ["standards_observation.id"],
            name=op.f("fk_standards_observation_item_observation_id_standards_observation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_standards_observation_item")),
        sa.UniqueConstraint(
            "observation_id",
            "standard_id",
            name=op.f("uq_standards_observation_item_observation_id"),
        ),
    )


def downgrade():
    op.drop_table("standards_observation_item")
    with op.batch_alter_table("standards_kpi_value", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_standards_kpi_value_period_end"))
    op.drop_table("standards_kpi_value")
    with op.batch_alter_table("standards_observation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_standards_observation_observed_on"))
        batch_op.drop_index(batch_op.f("ix_standards_observation_manager_id"))
        batch_op.drop_index(batch_op.f("ix_standards_observation_agent_id"))
    op.drop_table("standards_observation")
    op.drop_table("standards_kpi_upload")
    op.drop_table("standards_critical")
    with op.batch_alter_table("standards_compliance_change", schema=None) as batch_op:
        batch_op.drop_index("ix_compliance_change_user_standard")
    op.drop_table("standards_compliance_change")
    op.drop_table("standards_compliance")
    with op.batch_alter_table("standards_acknowledgement", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_standards_acknowledgement_version_id"))
        batch_op.drop_index(batch_op.f("ix_standards_acknowledgement_user_id"))
    op.drop_table("standards_acknowledgement")
