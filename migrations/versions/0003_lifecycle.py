"""lifecycle

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 20:27:15.116431
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "lifecycle",
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("warnings_sent", sa.String(length=64), nullable=False),
        sa.Column("temporary", sa.Boolean(), nullable=False),
        sa.Column("exempt", sa.Boolean(), nullable=False),
        sa.Column("exempt_until", sa.Date(), nullable=True),
        sa.Column("exempt_reason", sa.Text(), nullable=True),
        sa.Column("restored_until", sa.Date(), nullable=True),
        sa.Column("approved", sa.Boolean(), nullable=False),
        sa.Column("prior_status", sa.String(length=16), nullable=True),
        sa.Column("prior_permissions", sa.Text(), nullable=True),
        sa.Column("last_verdict", sa.String(length=24), nullable=True),
        sa.Column("asked_end_date", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"], ["groups.id"], name=op.f("fk_lifecycle_group_id_groups")
        ),
        sa.PrimaryKeyConstraint("group_id", name=op.f("pk_lifecycle")),
    )


def downgrade() -> None:
    op.drop_table("lifecycle")
