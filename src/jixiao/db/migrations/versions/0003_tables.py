"""document kind and report/table merge findings

Revision ID: 0002_tables
Revises: 0001
Create Date: 2026-11-30 22:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_tables"
down_revision = "0002_identity"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # dept_report | dept_table (project reports and notices are refused before load); NULL for reports
    # loaded before the kind was read.
    with op.batch_alter_table("report") as batch:
        batch.add_column(sa.Column("doc_kind", sa.String(), nullable=True))
        # JSON list of {field, report, table} where a unit-year's 自评表 and 报告 disagree; NULL when they agree.
        batch.add_column(sa.Column("merge_conflicts", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("report") as batch:
        batch.drop_column("merge_conflicts")
        batch.drop_column("doc_kind")
