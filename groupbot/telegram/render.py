"""Records, summaries and proposals turned into chat messages."""

from __future__ import annotations

from datetime import datetime, tzinfo

from groupbot.domain.inventory import GroupRecord, InventorySummary
from groupbot.messages import name_of, t
from groupbot.storage.proposals import StoredProposal

LIMIT = 4096  # Telegram's longest text message


def _when(value: datetime | None, tz: tzinfo, language: str) -> str:
    if value is None:
        return t("bot.never", language)
    return value.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def group_status(record: GroupRecord, tz: tzinfo, language: str) -> str:
    """The /status answer for one group."""
    unknown = t("bot.unknown", language)
    return t(
        "bot.status", language,
        title=record.title or record.chat_id,
        purpose=record.purpose or t("bot.none", language),
        status=name_of("status", record.status, language),
        owner=record.owner or unknown,
        members_seen=record.members_seen,
        member_count=record.member_count if record.member_count is not None else unknown,
        last_active=_when(record.last_active, tz, language),
        messages_30d=record.messages_30d,
        registered_at=_when(record.registered_at, tz, language),
    )


def inventory_summary(summary: InventorySummary, language: str) -> str:
    """The /groups answer."""
    sep = t("bot.list_separator", language)
    by_status = sep.join(f"{name_of('status', s, language)} {n}"
                         for s, n in summary.by_status.items())
    return t(
        "bot.summary", language, total=summary.total, by_status=by_status or "-",
        without_purpose=summary.without_purpose, quiet=summary.quiet,
        without_admin_rights=summary.without_admin_rights,
        members_seen=summary.members_seen, messages_30d=summary.messages_30d,
    )


def proposal_text(p: StoredProposal, language: str, *, full: bool = False) -> str:
    """A proposal as the admin chat shows it; `full` adds every reason."""
    lines = [t("merges.proposal", language, id=p.id, score=f"{p.score:.2f}")]
    for pk, chat_id, title in zip(p.group_pks, p.chat_ids, p.titles, strict=True):
        mark = f"  ← {t('merges.keep', language)}" if pk == p.survivor_pk else ""
        lines.append(f"• {title} ({chat_id}){mark}")
    reasons = p.reasons if full else p.reasons[:3]
    lines.extend(f"  – {r}" for r in reasons)
    return "\n".join(lines)[:4000]


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
