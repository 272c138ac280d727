"""department type of a report's unit; where a review item's name was read and why it was not accepted

Revision ID: 0002_identity
Revises: 0001
Create Date: 2026-11-30 22:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_identity"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("report", schema=None) as batch_op:
        batch_op.add_column(sa.Column("department_type", sa.String(), nullable=True))
        batch_op.create_index(batch_op.f("ix_report_department_type"), ["department_type"], unique=False)
    with op.batch_alter_table("review_item", schema=None) as batch_op:
        batch_op.add_column(sa.Column("read_from", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("reason", sa.Text(), nullable=True))
    with op.batch_alter_table("unit_alias", schema=None) as batch_op:
        batch_op.add_column(sa.Column("department_type", sa.String(), nullable=True))
    # Every report and learned spelling before this revision was matched against 科学技术协会 only.
    op.execute("UPDATE report SET department_type = '科协' WHERE unit_adcode IS NOT NULL")
    op.execute("UPDATE unit_alias SET department_type = '科协' WHERE adcode IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table("unit_alias", schema=None) as batch_op:
        batch_op.drop_column("department_type")
    with op.batch_alter_table("review_item", schema=None) as batch_op:
        batch_op.drop_column("reason")
        batch_op.drop_column("read_from")
    with op.batch_alter_table("report", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_department_type"))
        batch_op.drop_column("department_type")
