"""SQLAlchemy 2 models: groups, members, memberships, daily activity, audit log, update inbox."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
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
    __table_args__ = (UniqueConstraint("platform", "chat_id", name="uq_groups_platform_chat"),)

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


class Member(Base):
    """A person seen in any group; when and how much they post lives in memberships."""

    __tablename__ = "members"
    __table_args__ = (UniqueConstraint("platform", "user_id", name="uq_members_platform_user"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(16), default="telegram")
    user_id: Mapped[int | None] = mapped_column(BigInteger)
    display_name: Mapped[str] = mapped_column(String(255), default="")
    username: Mapped[str | None] = mapped_column(String(64))
    is_bot: Mapped[bool] = mapped_column(Boolean, default=False)
    first_seen: Mapped[datetime | None] = _ts()


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


class BotState(Base):
    """Small durable key/value facts, e.g. the acknowledged getUpdates offset."""

    __tablename__ = "bot_state"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
