"""an index on members by (platform, name_key) for every member

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27 18:55:00

Looking census names up by `user_id IS NULL AND …` let both SQLite and PostgreSQL (without
statistics, as during a first import) walk every name member of a platform through the
(platform, user_id) index. Lookups now ask by (platform, name_key) alone and use this index.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_members_platform_name_key", "members", ["platform", "name_key"])


def downgrade() -> None:
    op.drop_index("ix_members_platform_name_key", table_name="members")
