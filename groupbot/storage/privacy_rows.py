"""Forgetting a person, and pruning old activity."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from groupbot.domain.clock import as_utc
from groupbot.storage.activity import (
    group_activity,
    member_activity,
    members,
    members_changed,
    memberships,
)
from groupbot.storage.group_rows import TELEGRAM, audit, groups
from groupbot.storage.inbox import inbox

FORGOTTEN = "forgotten"


async def forget_user(conn: AsyncConnection, user_id: int) -> int:
    """Delete a Telegram user's member rows and names everywhere; counts per group stay."""
    ids = [r.id for r in await conn.execute(select(members.c.id).where(
        members.c.platform == TELEGRAM, members.c.user_id == user_id))]
    if ids:
        await conn.execute(delete(member_activity).where(member_activity.c.member_id.in_(ids)))
        await members_changed(conn, {r.group_id for r in await conn.execute(
            select(memberships.c.group_id).where(memberships.c.member_id.in_(ids)))})
        await conn.execute(delete(memberships).where(memberships.c.member_id.in_(ids)))
        await conn.execute(delete(members).where(members.c.id.in_(ids)))
    await conn.execute(update(groups).where(groups.c.owner_user_id == user_id)
                       .values(owner_user_id=None, owner_name=None))
    await conn.execute(update(audit).where(audit.c.actor == f"user:{user_id}")
                       .values(actor=FORGOTTEN))
    return len(ids)


async def prune_before(conn: AsyncConnection, day: date, moment: datetime) -> tuple[int, int]:
    """Delete daily activity older than `day` and handled inbox rows older than `moment`."""
    days = await conn.execute(delete(group_activity).where(group_activity.c.day < day))
    await conn.execute(delete(member_activity).where(member_activity.c.day < day))
    handled = await conn.execute(delete(inbox).where(
        inbox.c.state != "pending", inbox.c.received_at < as_utc(moment)))
    return days.rowcount, handled.rowcount
