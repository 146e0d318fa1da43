"""Row operations for census imports: groups by (platform, chat_id), name-keyed members."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, select, text, tuple_, update
from sqlalchemy.ext.asyncio import AsyncConnection

from groupbot.domain.clock import as_utc
from groupbot.domain.events import GroupStatus
from groupbot.storage.activity import members, memberships
from groupbot.storage.group_rows import TELEGRAM, groups
from groupbot.storage.sqlx import upsert

GROUP_FIELDS = ("title", "purpose", "owner_name", "member_count", "last_active", "created_on",
                "expires_on")


async def existing_groups(conn: AsyncConnection, keys: list[tuple[str, str]]) -> dict:
    """Stored census-relevant fields of groups, keyed by (platform, chat_id)."""
    if not keys:
        return {}
    rows = await conn.execute(
        select(groups.c.id, groups.c.platform, groups.c.chat_id,
               *(groups.c[f] for f in GROUP_FIELDS))
        .where(tuple_(groups.c.platform, groups.c.chat_id).in_(keys)))
    return {(r.platform, r.chat_id): r._asdict() for r in rows}


async def insert_group(conn: AsyncConnection, platform: str, chat_id: str, values: dict,
                       at: datetime) -> int:
    """Register a group from the census; returns its primary key."""
    return (await conn.execute(insert(groups).values(
        platform=platform, chat_id=chat_id, status=GroupStatus.ACTIVE,
        registered_at=as_utc(at), updated_at=as_utc(at), **values,
    ).returning(groups.c.id))).scalar_one()


async def update_group_fields(conn: AsyncConnection, pk: int, values: dict, at: datetime) -> None:
    """Change census fields of one group."""
    await conn.execute(update(groups).where(groups.c.id == pk)
                       .values(updated_at=as_utc(at), **values))


async def ensure_people(conn: AsyncConnection, user_ids: set[int],
                        names: set[tuple[str, str, str]]) -> dict[tuple, int]:
    """Member keys for Telegram ids and (platform, name_key, display) names, creating missing."""
    if user_ids:
        stmt = upsert(conn, members).on_conflict_do_nothing(
            index_elements=[members.c.platform, members.c.user_id])
        await conn.execute(stmt, [{"platform": TELEGRAM, "user_id": uid, "is_bot": False,
                                   "display_name": str(uid)} for uid in user_ids])
    if names:
        stmt = upsert(conn, members).on_conflict_do_nothing(
            index_elements=[members.c.platform, members.c.name_key],
            index_where=text("user_id IS NULL"))
        await conn.execute(stmt, [{"platform": p, "name_key": key, "display_name": shown[:255],
                                   "is_bot": False} for p, key, shown in names])
    return await _people_ids(conn, user_ids, {(p, key) for p, key, _ in names})


async def _people_ids(conn: AsyncConnection, user_ids: set[int],
                      names: set[tuple[str, str]]) -> dict[tuple, int]:
    found: dict[tuple, int] = {}
    ids, pairs = list(user_ids), list(names)
    for start in range(0, len(ids), 500):
        rows = await conn.execute(select(members.c.user_id, members.c.id).where(
            members.c.platform == TELEGRAM, members.c.user_id.in_(ids[start:start + 500])))
        found.update({("id", r.user_id): r.id for r in rows})
    for start in range(0, len(pairs), 500):
        rows = await conn.execute(
            select(members.c.platform, members.c.name_key, members.c.id)
            .where(members.c.user_id.is_(None),
                   tuple_(members.c.platform, members.c.name_key).in_(pairs[start:start + 500])))
        found.update({("name", r.platform, r.name_key): r.id for r in rows})
    return found


async def current_members(conn: AsyncConnection, group_pks: list[int]) -> dict[int, set[int]]:
    """Present member ids of each group."""
    result: dict[int, set[int]] = {pk: set() for pk in group_pks}
    if group_pks:
        rows = await conn.execute(
            select(memberships.c.group_id, memberships.c.member_id)
            .where(memberships.c.group_id.in_(group_pks),
                   memberships.c.status.notin_(("left", "kicked"))))
        for r in rows:
            result[r.group_id].add(r.member_id)
    return result


async def set_presence(conn: AsyncConnection, joined: list[tuple[int, int]],
                       left: list[tuple[int, int]]) -> None:
    """Mark (group, member) pairs as members or as having left."""
    if joined:
        stmt = upsert(conn, memberships)
        stmt = stmt.on_conflict_do_update(
            index_elements=[memberships.c.group_id, memberships.c.member_id],
            set_={"status": "member"})
        await conn.execute(stmt, [{"group_id": g, "member_id": m, "status": "member",
                                   "message_count": 0} for g, m in joined])
    for group_pk, member_pk in left:
        await conn.execute(update(memberships).where(
            memberships.c.group_id == group_pk, memberships.c.member_id == member_pk)
            .values(status="left"))
