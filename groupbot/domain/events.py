"""What happened in a group, as plain facts translated from platform updates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class MessageKind(StrEnum):
    """Who a message came from, which decides whether it is human activity."""

    HUMAN = "human"
    ANONYMOUS_ADMIN = "anonymous_admin"  # an admin posting as the group: human, but no person
    BOT = "bot"
    CHANNEL = "channel"  # linked-channel forwards and channel senders: not the group's people
    SERVICE = "service"  # joins, leaves, title changes, pins…

    @property
    def is_human(self) -> bool:
        """True for activity made by people of the group."""
        return self in (MessageKind.HUMAN, MessageKind.ANONYMOUS_ADMIN)


class GroupStatus(StrEnum):
    """Lifecycle state of a group record."""

    ACTIVE = "active"
    WARNED = "warned"
    ARCHIVED = "archived"
    RESTORED = "restored"
    EXEMPT = "exempt"
    MERGED = "merged"
    BOT_REMOVED = "bot_removed"


@dataclass(frozen=True, slots=True)
class ChatRef:
    """A group as an update names it."""

    chat_id: int
    title: str | None
    chat_type: str


@dataclass(frozen=True, slots=True)
class Person:
    """A user as an update names them (display name, never message content)."""

    user_id: int
    display_name: str
    username: str | None = None
    is_bot: bool = False


@dataclass(frozen=True, slots=True)
class MessageSeen:
    """One message was posted in a group."""

    chat: ChatRef
    at: datetime
    kind: MessageKind
    sender: Person | None = None
    photo: bool = False  # the message is a photo (a check-in picture, typically)


@dataclass(frozen=True, slots=True)
class MembershipChanged:
    """A person joined, left, or changed status in a group."""

    chat: ChatRef
    at: datetime
    person: Person
    status: str  # creator / administrator / member / restricted / left / kicked


@dataclass(frozen=True, slots=True)
class ChatMigrated:
    """A basic group became a supergroup with a new id; its history follows it."""

    old_chat_id: int
    new_chat_id: int
    at: datetime


@dataclass(frozen=True, slots=True)
class BotStatusChanged:
    """The bot itself was added, promoted, demoted or removed."""

    chat: ChatRef
    at: datetime
    status: str
    actor: Person | None = None


Event = MessageSeen | MembershipChanged | ChatMigrated | BotStatusChanged

PRESENT_STATUSES = frozenset({"creator", "administrator", "member", "restricted"})
