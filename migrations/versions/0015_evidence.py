"""answer.criteria: the criteria a role-play answer judged, merged over a dialogue's turns, so
that recomputing an agent's standards reads this small value instead of every whole detail;
filled for the answers already stored

Revision ID: 0015_evidence
Revises: 0014_scale_indexes
Create Date: 2026-12-05 23:40:00

"""

import json

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0015_evidence"
down_revision = "0014_scale_indexes"
branch_labels = None
depends_on = None

BATCH = 500


def upgrade():
    with op.batch_alter_table("answer", schema=None) as batch_op:
        batch_op.add_column(sa.Column("criteria", sa.JSON(), nullable=True))
    answer = sa.table("answer", sa.column("id", sa.Integer), sa.column("detail", sa.JSON),
                      sa.column("criteria", sa.JSON))  # fmt: skip
    bind = op.get_bind()
    last = 0
    while True:
        rows = bind.execute(
            sa.select(answer.c.id, answer.c.detail)
            .where(answer.c.id > last)
            .order_by(answer.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            break
        bind.execute(
            answer.update().where(answer.c.id == sa.bindparam("row_id")),
            [{"row_id": row.id, "criteria": _presence(_loaded(row.detail))} for row in rows],
        )
        last = rows[-1].id


def downgrade():
    with op.batch_alter_table("answer", schema=None) as batch_op:
        batch_op.drop_column("criteria")


def _loaded(detail) -> dict:
    if isinstance(detail, str):  # a driver that hands JSON back as text
        detail = json.loads(detail)
    return detail if isinstance(detail, dict) else {}


def _presence(detail: dict) -> dict:
    """As app.scoring.result.criteria_presence did when this revision was written."""
    parts = detail.get("turns") or [detail]
    required: dict = {}
    forbidden: dict = {}
    for part in parts:
        result = part.get("result") or part
        for cid, present in (result.get("criteria") or {}).items():
            required[cid] = required.get(cid, False) or bool(present)
        for cid, present in (result.get("violations") or {}).items():
            forbidden[cid] = forbidden.get(cid, False) or bool(present)
    return {"criteria": required, "violations": forbidden}
