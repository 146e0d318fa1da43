"""Row operations for census imports: groups by (platform, chat_id), name-keyed members."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection

from groupbot.domain.clock import as_utc
from groupbot.domain.events import GroupStatus
from groupbot.storage.activity import members, members_changed, memberships
from groupbot.storage.group_rows import TELEGRAM, groups
from groupbot.storage.sqlx import fetch_plain, upsert

GROUP_FIELDS = ("title", "purpose", "owner_name", "member_count", "last_active", "created_on",
                "expires_on")


async def existing_groups(conn: AsyncConnection, keys: list[tuple[str, str]]) -> dict:
    """Stored census-relevant fields of groups, keyed by (platform, chat_id)."""
    found = {}
    for platform, chat_ids in _by_platform(keys).items():
        rows = await conn.execute(
            select(groups.c.id, groups.c.platform, groups.c.chat_id,
                   *(groups.c[f] for f in GROUP_FIELDS))
            .where(groups.c.platform == platform, groups.c.chat_id.in_(chat_ids)))
        found.update({(r.platform, r.chat_id): r._asdict() for r in rows})
    return found


def _by_platform(keys) -> dict[str, list[str]]:
    """(platform, key) pairs as one list of keys per platform.

    `platform = ? AND key IN (…)` searches the (platform, key) index; SQLite scans the whole
    index for a row-value `(platform, key) IN (…)`.
    """
    out: dict[str, list[str]] = {}
    for platform, key in keys:
        out.setdefault(platform, []).append(key)
    return out


async def insert_groups(conn: AsyncConnection, new: list[tuple[str, str, dict]],
                        at: datetime) -> list[int]:
    """Register groups from the census, (platform, chat_id, fields) each; their keys in order."""
    if not new:
        return []
    rows = [{"platform": platform, "chat_id": chat_id, "status": GroupStatus.ACTIVE,
             "registered_at": as_utc(at), "updated_at": as_utc(at),
             **{f: values.get(f) for f in GROUP_FIELDS}} for platform, chat_id, values in new]
    result = await conn.execute(
        insert(groups).returning(groups.c.id, sort_by_parameter_order=True), rows)
    return [row.id for row in result]


async def update_groups(conn: AsyncConnection, changes: list[tuple[int, dict]],
                        at: datetime) -> None:
    """Change census fields of groups, one statement per set of fields that changed."""
    by_fields: dict[tuple[str, ...], list[dict]] = {}
    for pk, values in changes:
        by_fields.setdefault(tuple(sorted(values)), []).append({"pk": pk, **values})
    for fields, batch in by_fields.items():
        await conn.execute(update(groups).where(groups.c.id == bindparam("pk"))
                           .values(updated_at=as_utc(at),
                                   **{f: bindparam(f) for f in fields}), batch)


async def ensure_people(conn: AsyncConnection, user_ids: set[int],
                        names: set[tuple[str, str, str]], known: dict[tuple, int]
                        ) -> dict[tuple, int]:
    """Member keys for Telegram ids and (platform, name_key, display) names, creating missing.

    `known` holds what earlier chunks of the same file found, and gains this chunk's. People
    are inserted first and only those that existed already are looked up: during a first
    import the planners have no statistics for the growing table and look names up slowly.
    """
    user_ids = {uid for uid in user_ids if ("id", uid) not in known}
    names = {(p, key, shown) for p, key, shown in names if ("name", p, key) not in known}
    found: dict[tuple, int] = {}
    if user_ids:
        stmt = upsert(conn, members).on_conflict_do_nothing(
            index_elements=[members.c.platform, members.c.user_id])
        rows = await conn.execute(stmt.returning(members.c.user_id, members.c.id), [
            {"platform": TELEGRAM, "user_id": uid, "is_bot": False, "display_name": str(uid)}
            for uid in user_ids])
        found.update({("id", r.user_id): r.id for r in rows})
    if names:
        stmt = upsert(conn, members).on_conflict_do_nothing(
            index_elements=[members.c.platform, members.c.name_key],
            index_where=text("user_id IS NULL"))
        rows = await conn.execute(
            stmt.returning(members.c.platform, members.c.name_key, members.c.id),
            [{"platform": p, "name_key": key, "display_name": shown[:255], "is_bot": False}
             for p, key, shown in names])
        found.update({("name", r.platform, r.name_key): r.id for r in rows})
    found |= await _people_ids(
        conn, {uid for uid in user_ids if ("id", uid) not in found},
        {(p, key) for p, key, _ in names if ("name", p, key) not in found})
    known.update(found)
    return known


async def _people_ids(conn: AsyncConnection, user_ids: set[int],
                      names: set[tuple[str, str]]) -> dict[tuple, int]:
    found: dict[tuple, int] = {}
    ids, pairs = list(user_ids), list(names)
    for start in range(0, len(ids), 500):
        rows = await conn.execute(select(members.c.user_id, members.c.id).where(
            members.c.platform == TELEGRAM, members.c.user_id.in_(ids[start:start + 500])))
        found.update({("id", r.user_id): r.id for r in rows})
    for platform, keys in _by_platform(pairs).items():
        for start in range(0, len(keys), 2000):
            rows = await fetch_plain(conn, select(members.c.name_key, members.c.user_id,
                                                  members.c.id)
                                     .where(members.c.platform == platform,
                                            members.c.name_key.in_(keys[start:start + 2000])))
            # Filtered here, not in SQL: `user_id IS NULL` would draw the planner to the
            # (platform, user_id) index and a walk over every name member of the platform.
            found.update({("name", platform, key): pk for key, user, pk in rows
                          if user is None})
    return found


async def current_members(conn: AsyncConnection, group_pks: list[int]) -> dict[int, set[int]]:
    """Present member ids of each group."""
    result: dict[int, set[int]] = {pk: set() for pk in group_pks}
    if group_pks:
        rows = await fetch_plain(conn, select(memberships.c.group_id, memberships.c.member_id)
                                 .where(memberships.c.group_id.in_(group_pks),
                                        memberships.c.status.notin_(("left", "kicked"))))
        for group_pk, member_pk in rows:
            result[group_pk].add(member_pk)
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
    if left:
        await conn.execute(update(memberships).where(
            memberships.c.group_id == bindparam("g"), memberships.c.member_id == bindparam("m"))
            .values(status="left"), [{"g": g, "m": m} for g, m in left])
    await members_changed(conn, {g for g, _ in (*joined, *left)})
