"""Records and summaries turned into chat messages."""

from __future__ import annotations

from datetime import datetime, tzinfo

from groupbot.domain.inventory import GroupRecord, InventorySummary
from groupbot.telegram.texts import status_name, text

LIMIT = 4096  # Telegram's longest text message


def _when(value: datetime | None, tz: tzinfo, language: str) -> str:
    if value is None:
        return text("never", language)
    return value.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def group_status(record: GroupRecord, tz: tzinfo, language: str) -> str:
    """The /status answer for one group."""
    unknown = text("unknown", language)
    return text(
        "status", language,
        title=record.title or record.chat_id,
        purpose=record.purpose or text("none", language),
        status=status_name(record.status, language),
        owner=record.owner or unknown,
        members_seen=record.members_seen,
        member_count=record.member_count if record.member_count is not None else unknown,
        last_active=_when(record.last_active, tz, language),
        messages_30d=record.messages_30d,
        registered_at=_when(record.registered_at, tz, language),
    )


def inventory_summary(summary: InventorySummary, language: str) -> str:
    """The /groups answer."""
    sep = "，" if language == "zh" else ", "
    by_status = sep.join(f"{status_name(s, language)} {n}" for s, n in summary.by_status.items())
    return text(
        "summary", language, total=summary.total, by_status=by_status or "-",
        without_purpose=summary.without_purpose, quiet=summary.quiet,
        without_admin_rights=summary.without_admin_rights,
        members_seen=summary.members_seen, messages_30d=summary.messages_30d,
    )


def split_message(text: str, limit: int = LIMIT) -> list[str]:
    """Pieces under Telegram's limit, cut at line boundaries (a too-long line is cut hard)."""
    pieces, current = [], ""
    for line in text.split("\n"):
        while len(line) > limit:
            if current:
                pieces.append(current)
                current = ""
            pieces.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            pieces.append(current)
            current = line
        else:
            current = candidate
    if current:
        pieces.append(current)
    return pieces
