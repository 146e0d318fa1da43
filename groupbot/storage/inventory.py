"""Read the inventory: one GroupRecord per group with its member and activity figures."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from groupbot.domain.clock import as_utc
from groupbot.domain.events import PRESENT_STATUSES
from groupbot.domain.inventory import GroupRecord
from groupbot.storage.activity import group_activity, memberships
from groupbot.storage.group_rows import groups, public_chat_id


def _query(since: date):
    seen = (select(memberships.c.group_id, func.count().label("n"))
            .where(memberships.c.status.in_(PRESENT_STATUSES))
            .group_by(memberships.c.group_id).subquery())
    recent = (select(group_activity.c.group_id, func.sum(group_activity.c.messages).label("n"))
              .where(group_activity.c.day >= since)
              .group_by(group_activity.c.group_id).subquery())
    return (select(groups, func.coalesce(seen.c.n, 0).label("members_seen"),
                   func.coalesce(recent.c.n, 0).label("messages_30d"))
            .outerjoin(seen, seen.c.group_id == groups.c.id)
            .outerjoin(recent, recent.c.group_id == groups.c.id)
            .order_by(groups.c.id))


def _record(row) -> GroupRecord:
    owner = row.owner_name or (str(row.owner_user_id) if row.owner_user_id else None)
    return GroupRecord(
        chat_id=public_chat_id(row.platform, row.chat_id), platform=row.platform,
        title=row.title, purpose=row.purpose,
        status=row.status, owner=owner, members_seen=int(row.members_seen),
        member_count=row.member_count, last_active=as_utc(row.last_active),
        registered_at=as_utc(row.registered_at), messages_30d=int(row.messages_30d),
        bot_is_admin=row.bot_is_admin,
    )


async def all_records(conn: AsyncConnection, since: date) -> list[GroupRecord]:
    """Every group, oldest registration first; messages counted from `since` (a local day)."""
    return [_record(r) for r in await conn.execute(_query(since))]


async def one_record(conn: AsyncConnection, chat_id: int | str, since: date,
                     platform: str = "telegram") -> GroupRecord | None:
    """One group's record, or None when it is not registered."""
    query = _query(since).where(groups.c.platform == platform, groups.c.chat_id == str(chat_id))
    row = (await conn.execute(query)).first()
    return _record(row) if row else None
