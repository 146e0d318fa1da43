"""after hours and photo counters

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 20:50:33.863479
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("group_activity", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("after_hours", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(sa.Column("photos", sa.Integer(), server_default="0", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("group_activity", schema=None) as batch_op:
        batch_op.drop_column("photos")
        batch_op.drop_column("after_hours")
