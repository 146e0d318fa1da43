"""SQLAlchemy 2 models: groups, members, memberships, daily activity, audit log, update inbox."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with stable constraint names for migrations."""

    metadata = MetaData(naming_convention=NAMING)


def _ts(nullable: bool = True):
    return mapped_column(DateTime(timezone=True), nullable=nullable)


class Group(Base):
    """A work group on some platform; Telegram groups are keyed by their Bot API chat id."""

    __tablename__ = "groups"
    # AUTOINCREMENT: a folded duplicate's id must never be handed to another group.
    __table_args__ = (UniqueConstraint("platform", "chat_id", name="uq_groups_platform_chat"),
                      {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(16), default="telegram")
    # Text, so census ids from other platforms fit; Telegram ids are the decimal Bot API id.
    chat_id: Mapped[str] = mapped_column(String(64))
    chat_type: Mapped[str | None] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(255), default="")
    purpose: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="active", index=True)
    owner_user_id: Mapped[int | None] = mapped_column(BigInteger)
    owner_name: Mapped[str | None] = mapped_column(String(255))
    member_count: Mapped[int | None] = mapped_column(Integer)
    bot_is_admin: Mapped[bool | None] = mapped_column(Boolean)
    registered_at: Mapped[datetime] = _ts(nullable=False)
    last_active: Mapped[datetime | None] = _ts()
    updated_at: Mapped[datetime] = _ts(nullable=False)
    created_on: Mapped[date | None] = mapped_column(Date)  # when the group was set up (census)
    expires_on: Mapped[date | None] = mapped_column(Date)  # end date of a temporary group
    merged_into: Mapped[int | None] = mapped_column(ForeignKey("groups.id"))
    # Bumped whenever the group's member list may have changed: matching re-reads only those.
    members_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class Member(Base):
    """A person seen in any group; when and how much they post lives in memberships.

    Telegram people are known by user id; people from a census of other platforms only by
    their display name, so they are keyed by the normalised name (`name_key`).
    """

    __tablename__ = "members"
    __table_args__ = (
        UniqueConstraint("platform", "user_id", name="uq_members_platform_user"),
        Index("uq_members_platform_name", "platform", "name_key", unique=True,
              sqlite_where=text("user_id IS NULL"), postgresql_where=text("user_id IS NULL")),
        Index("ix_members_platform_name_key", "platform", "name_key"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(16), default="telegram")
    user_id: Mapped[int | None] = mapped_column(BigInteger)
    display_name: Mapped[str] = mapped_column(String(255), default="")
    username: Mapped[str | None] = mapped_column(String(64))
    is_bot: Mapped[bool] = mapped_column(Boolean, default=False)
    first_seen: Mapped[datetime | None] = _ts()
    name_key: Mapped[str | None] = mapped_column(String(255))


class Membership(Base):
    """One member in one group: status, when first/last seen there, how many messages."""

    __tablename__ = "memberships"

    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), primary_key=True, index=True)
    status: Mapped[str] = mapped_column(String(16), default="member")
    joined_at: Mapped[datetime | None] = _ts()
    left_at: Mapped[datetime | None] = _ts()
    first_seen: Mapped[datetime | None] = _ts()
    last_seen: Mapped[datetime | None] = _ts()
    message_count: Mapped[int] = mapped_column(Integer, default=0)


class GroupActivity(Base):
    """Per group per local day: human, bot and service message counts."""

    __tablename__ = "group_activity"

    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    messages: Mapped[int] = mapped_column(Integer, default=0)
    bot_messages: Mapped[int] = mapped_column(Integer, default=0)
    service_messages: Mapped[int] = mapped_column(Integer, default=0)
    after_hours: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    photos: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class MemberActivity(Base):
    """Per group per member per local day: human messages (active members are its rows)."""

    __tablename__ = "member_activity"

    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), primary_key=True)
    messages: Mapped[int] = mapped_column(Integer, default=0)


class AuditLog(Base):
    """Every state change: who did what to which group, and when."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_group_at", "group_id", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = _ts(nullable=False)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id"))
    detail: Mapped[str | None] = mapped_column(Text)


class InboxUpdate(Base):
    """A raw update that still needs a handler (commands, membership of the bot).

    Message text is kept only for commands and is erased once the update is handled.
    """

    __tablename__ = "inbox"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    payload: Mapped[str | None] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[datetime] = _ts(nullable=False)
    # The worker running the handler; another takes over once that worker's lease lapses.
    claimed_by: Mapped[str | None] = mapped_column(String(64))


class UpdateReceipt(Base):
    """An update id taken in through the webhook, so a retried delivery is applied once."""

    __tablename__ = "update_receipts"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    received_at: Mapped[datetime] = _ts(nullable=False)


class MergeProposal(Base):
    """A proposal to merge 2+ groups into a survivor, and what became of it."""

    __tablename__ = "merge_proposals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Sorted group ids: the same set of groups is one proposal, never a duplicate.
    group_key: Mapped[str] = mapped_column(String(255), index=True)
    # Fingerprint of the groups' titles, purposes and members when proposed: a material
    # change gives a new fingerprint, so a rejected proposal may come back.
    fingerprint: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    survivor_id: Mapped[int] = mapped_column(ForeignKey("groups.id"))
    score: Mapped[float] = mapped_column(Float)
    reasons: Mapped[str] = mapped_column(Text)  # JSON list of sentences
    created_at: Mapped[datetime] = _ts(nullable=False)
    decided_by: Mapped[int | None] = mapped_column(BigInteger)
    decided_at: Mapped[datetime | None] = _ts()
    executed_at: Mapped[datetime | None] = _ts()
    reverted_at: Mapped[datetime | None] = _ts()
    announced_message_id: Mapped[int | None] = mapped_column(BigInteger)


class MergeMember(Base):
    """A group inside a proposal, with the state it had before the merge (for reverting)."""

    __tablename__ = "merge_members"

    proposal_id: Mapped[int] = mapped_column(ForeignKey("merge_proposals.id"), primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"), primary_key=True)
    prior_status: Mapped[str | None] = mapped_column(String(16))
    prior_permissions: Mapped[str | None] = mapped_column(Text)  # JSON ChatPermissions
    read_only_at: Mapped[datetime | None] = _ts()


class Lifecycle(Base):
    """A group's place in the zombie/temporary lifecycle; absent until it matters."""

    __tablename__ = "lifecycle"

    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"), primary_key=True)
    due_on: Mapped[date | None] = mapped_column(Date)  # scheduled archive date
    warnings_sent: Mapped[str] = mapped_column(String(64), default="")  # lead days, "14,7"
    temporary: Mapped[bool] = mapped_column(Boolean, default=False)  # declared temporary
    exempt: Mapped[bool] = mapped_column(Boolean, default=False)
    exempt_until: Mapped[date | None] = mapped_column(Date)
    exempt_reason: Mapped[str | None] = mapped_column(Text)
    restored_until: Mapped[date | None] = mapped_column(Date)
    approved: Mapped[bool] = mapped_column(Boolean, default=False)
    prior_status: Mapped[str | None] = mapped_column(String(16))  # before archiving
    prior_permissions: Mapped[str | None] = mapped_column(Text)  # JSON, to restore exactly
    last_verdict: Mapped[str | None] = mapped_column(String(24))
    asked_end_date: Mapped[bool] = mapped_column(Boolean, default=False)


class BotState(Base):
    """Small durable key/value facts, e.g. the acknowledged getUpdates offset."""

    __tablename__ = "bot_state"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Lease(Base):
    """A named lease: the scheduler leader, or one worker's liveness."""

    __tablename__ = "leases"

    name: Mapped[str] = mapped_column(String(96), primary_key=True)
    holder: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime] = _ts(nullable=False)


class JobRun(Base):
    """One scheduled run of a job (by its due time): who runs it and whether it finished."""

    __tablename__ = "job_runs"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), primary_key=True)
    holder: Mapped[str] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    started_at: Mapped[datetime] = _ts(nullable=False)
    finished_at: Mapped[datetime | None] = _ts()


class OutboxMessage(Base):
    """A message committed together with the action it belongs to, deleted once delivered.

    A crash between the action and its messages cannot lose or half-send them: whoever finds
    them undelivered sends the rest, in order.
    """

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(16))  # text | photo | document
    body: Mapped[str] = mapped_column(Text)  # JSON: text, caption, filename, buttons
    blob: Mapped[bytes | None] = mapped_column(LargeBinary)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = _ts(nullable=False)
