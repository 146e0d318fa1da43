"""The inventory of groups as plain records, its summary, and purpose validation."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from groupbot.domain.validation import PURPOSE_MAX, visible

PURPOSE_MAX_CHARS = PURPOSE_MAX
ACTIVITY_WINDOW_DAYS = 30


@dataclass(frozen=True, slots=True)
class GroupRecord:
    """Everything the inventory shows about one group."""

    chat_id: int | str
    platform: str
    title: str
    purpose: str | None
    status: str
    owner: str | None
    members_seen: int
    member_count: int | None
    last_active: datetime | None
    registered_at: datetime
    messages_30d: int
    bot_is_admin: bool | None = None

    def export_row(self) -> dict:
        """The record as the `groupbot export` contract names it (ISO 8601 times)."""
        return {
            "chat_id": self.chat_id, "platform": self.platform, "title": self.title,
            "purpose": self.purpose, "status": self.status, "owner": self.owner,
            "members_seen": self.members_seen, "member_count": self.member_count,
            "last_active": self.last_active.isoformat() if self.last_active else None,
            "registered_at": self.registered_at.isoformat(),
            "messages_30d": self.messages_30d,
        }


EXPORT_FIELDS = (
    "chat_id", "platform", "title", "purpose", "status", "owner", "members_seen",
    "member_count", "last_active", "registered_at", "messages_30d",
)


@dataclass(frozen=True, slots=True)
class InventorySummary:
    """Headline figures of the inventory."""

    total: int
    by_status: dict[str, int]
    without_purpose: int
    quiet: int  # no human activity within the window
    without_admin_rights: int
    members_seen: int
    messages_30d: int


def summarise_inventory(records: list[GroupRecord], now: datetime,
                        window_days: int = ACTIVITY_WINDOW_DAYS) -> InventorySummary:
    """Count groups by status and flag the ones that need attention."""
    cutoff = now - timedelta(days=window_days)
    return InventorySummary(
        total=len(records),
        by_status=dict(Counter(r.status for r in records).most_common()),
        without_purpose=sum(1 for r in records if not r.purpose),
        quiet=sum(1 for r in records if r.last_active is None or r.last_active < cutoff),
        without_admin_rights=sum(1 for r in records if r.bot_is_admin is False),
        members_seen=sum(r.members_seen for r in records),
        messages_30d=sum(r.messages_30d for r in records),
    )


class PurposeError(ValueError):
    """A purpose that cannot be stored; `reason` is 'empty' or 'too_long'."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def clean_purpose(text: str | None) -> str:
    """Normalise a stated purpose: drop control and invisible characters, collapse spaces."""
    if text is None:
        raise PurposeError("empty")
    cleaned = " ".join(visible(text).split())
    if not cleaned:
        raise PurposeError("empty")
    if len(cleaned) > PURPOSE_MAX_CHARS:
        raise PurposeError("too_long")
    return cleaned
