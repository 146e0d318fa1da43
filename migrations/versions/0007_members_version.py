"""a version of each group's member list, for matching that re-reads only what changed

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27 21:00:00

Every write that may change who is in a group (census, live joins and messages, folding a
duplicate record, forgetting a person) adds one to `groups.members_version`. The daily match
keeps the member lists it read last time and reads again only the groups whose version moved.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("groups", sa.Column("members_version", sa.Integer(), nullable=False,
                                      server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("groups") as batch:
        batch.drop_column("members_version")
