"""Reading what matching needs: groups still in play and who is in them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from groupbot.domain.events import PRESENT_STATUSES, GroupStatus
from groupbot.storage.activity import group_activity, members, memberships
from groupbot.storage.bulk import fetch_plain
from groupbot.storage.group_rows import groups

OUT_OF_PLAY = (GroupStatus.MERGED, GroupStatus.ARCHIVED)


class InPlay(NamedTuple):
    """A group that may still be merged, as matching reads it."""

    id: int
    chat_id: str
    title: str
    purpose: str | None
    member_count: int | None
    created_on: date | None
    expires_on: date | None
    members_version: int
    activity: int


async def groups_in_play(conn: AsyncConnection, since: date) -> list[InPlay]:
    """Groups that may still be merged, with their human messages since `since`."""
    sqlite = conn.dialect.name == "sqlite"
    # Straight from the driver (see fetch_plain): SQLite keeps dates as ISO text.
    recent = (select(group_activity.c.group_id, func.sum(group_activity.c.messages).label("n"))
              .where(group_activity.c.day >= (since.isoformat() if sqlite else since))
              .group_by(group_activity.c.group_id).subquery())
    query = (select(groups.c.id, groups.c.chat_id, groups.c.title, groups.c.purpose,
                    groups.c.member_count, groups.c.created_on, groups.c.expires_on,
                    groups.c.members_version, func.coalesce(recent.c.n, 0))
             .outerjoin(recent, recent.c.group_id == groups.c.id)
             .where(groups.c.status.notin_(OUT_OF_PLAY)).order_by(groups.c.id))
    rows = await fetch_plain(conn, query)
    if not sqlite:
        return [InPlay(*row) for row in rows]
    return [InPlay(pk, chat, title, purpose, count, _day(created), _day(expires), version,
                   activity)
            for pk, chat, title, purpose, count, created, expires, version, activity in rows]


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


async def member_identities(conn: AsyncConnection, group_pks: list[int], *, ranges: bool
                            ) -> AsyncIterator[list[tuple]]:
    """(group pk, user id or None, name key) of every present member of the groups, in batches.

    With `ranges`, the (sorted) ids are read as id ranges, every group between two ids
    included: a million groups' memberships in a few hundred bounded reads.
    """
    query = (select(memberships.c.group_id, members.c.user_id, members.c.name_key)
             .join(members, members.c.id == memberships.c.member_id)
             .where(memberships.c.status.in_(PRESENT_STATUSES)))
    step = RANGE if ranges else CHUNK
    for start in range(0, len(group_pks), step):
        part = group_pks[start:start + step]
        where = (memberships.c.group_id.between(part[0], part[-1]) if ranges
                 else memberships.c.group_id.in_(part))
        yield await fetch_plain(conn, query.where(where))


CHUNK = 2000  # group ids per query: under SQLite's and asyncpg's parameter limits
RANGE = 20_000  # groups per range read: bounded memory at any size
