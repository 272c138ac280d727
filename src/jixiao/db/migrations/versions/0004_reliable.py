"""report.source_mtime (currency rule tie-break) and report.dq_recorded_at (checks recorded with the load)

Revision ID: 0002_reliable
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel  # column types live there
from alembic import op

revision = "0004_reliable"
down_revision = "0003_tables"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("report", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source_mtime", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("dq_recorded_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
    # Reports of runs that recorded checks count as checked; the others are unchecked, and `repair`
    # turns each into a finding.
    op.execute(
        "UPDATE report SET dq_recorded_at = created_at "
        "WHERE run_id IN (SELECT DISTINCT run_id FROM dq_result)"
    )


def downgrade() -> None:
    with op.batch_alter_table("report", schema=None) as batch_op:
        batch_op.drop_column("dq_recorded_at")
        batch_op.drop_column("source_mtime")
