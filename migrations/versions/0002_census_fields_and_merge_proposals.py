"""census fields and merge proposals

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 19:38:28.199738
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "merge_proposals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_key", sa.String(length=255), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("survivor_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.BigInteger(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("executed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reverted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("announced_message_id", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["survivor_id"], ["groups.id"], name=op.f("fk_merge_proposals_survivor_id_groups")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_merge_proposals")),
    )
    with op.batch_alter_table("merge_proposals", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_merge_proposals_group_key"), ["group_key"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_merge_proposals_status"), ["status"], unique=False)

    op.create_table(
        "merge_members",
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("prior_status", sa.String(length=16), nullable=True),
        sa.Column("prior_permissions", sa.Text(), nullable=True),
        sa.Column("read_only_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["group_id"], ["groups.id"], name=op.f("fk_merge_members_group_id_groups")
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["merge_proposals.id"],
            name=op.f("fk_merge_members_proposal_id_merge_proposals"),
        ),
        sa.PrimaryKeyConstraint("proposal_id", "group_id", name=op.f("pk_merge_members")),
    )
    # Batch mode rebuilds SQLite tables; keep AUTOINCREMENT so ids are never reused.
    with op.batch_alter_table("groups", table_kwargs={"sqlite_autoincrement": True}) as batch_op:
        batch_op.add_column(sa.Column("created_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("expires_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("merged_into", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_groups_merged_into_groups"), "groups", ["merged_into"], ["id"]
        )

    with op.batch_alter_table("members", table_kwargs={"sqlite_autoincrement": True}) as batch_op:
        batch_op.add_column(sa.Column("name_key", sa.String(length=255), nullable=True))
        batch_op.create_index(
            "uq_members_platform_name",
            ["platform", "name_key"],
            unique=True,
            sqlite_where=sa.text("user_id IS NULL"),
            postgresql_where=sa.text("user_id IS NULL"),
        )


def downgrade() -> None:
    with op.batch_alter_table("members", table_kwargs={"sqlite_autoincrement": True}) as batch_op:
        batch_op.drop_index(
            "uq_members_platform_name",
            sqlite_where=sa.text("user_id IS NULL"),
            postgresql_where=sa.text("user_id IS NULL"),
        )
        batch_op.drop_column("name_key")

    with op.batch_alter_table("groups", table_kwargs={"sqlite_autoincrement": True}) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_groups_merged_into_groups"), type_="foreignkey")
        batch_op.drop_column("merged_into")
        batch_op.drop_column("expires_on")
        batch_op.drop_column("created_on")

    op.drop_table("merge_members")
    with op.batch_alter_table("merge_proposals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_merge_proposals_status"))
        batch_op.drop_index(batch_op.f("ix_merge_proposals_group_key"))

    op.drop_table("merge_proposals")
