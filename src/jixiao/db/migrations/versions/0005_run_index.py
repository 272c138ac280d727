"""indexes on report.run_id and source_file.run_id: the loaded suite checks the rows one run wrote

Revision ID: 0005_run_index
Revises: 0004_reliable
"""

from __future__ import annotations

from alembic import op

revision = "0005_run_index"
down_revision = "0004_reliable"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("report", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_report_run_id"), ["run_id"], unique=False)
    with op.batch_alter_table("source_file", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_source_file_run_id"), ["run_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("source_file", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_source_file_run_id"))
    with op.batch_alter_table("report", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_run_id"))
