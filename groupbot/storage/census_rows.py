"""Row operations for census imports: groups by (platform, chat_id), name-keyed members."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, update
from sqlalchemy.ext.asyncio import AsyncConnection

from groupbot.domain.clock import as_utc
from groupbot.domain.events import GroupStatus
from groupbot.storage import bulk
from groupbot.storage.activity import members_changed, memberships
from groupbot.storage.group_rows import TELEGRAM, audit, audit_detail, groups

GROUP_FIELDS = ("title", "purpose", "owner_name", "member_count", "last_active", "created_on",
                "expires_on")
NEW_GROUP_COLUMNS = ("platform", "chat_id", "status", "registered_at", "updated_at",
                     *GROUP_FIELDS)
AUDIT_COLUMNS = ("at", "actor", "action", "group_id", "detail")


async def existing_groups(conn: AsyncConnection, keys: list[tuple[str, str]]) -> dict:
    """Stored census-relevant fields of groups, keyed by (platform, chat_id)."""
    if not keys:
        return {}
    await bulk.stage(conn, "census_keys", {"platform": "text", "chat_id": "text"}, keys)
    columns = [groups.c.id, groups.c.platform, groups.c.chat_id,
               *(groups.c[f] for f in GROUP_FIELDS)]
    rows = await bulk.fetch(conn, f"""
        SELECT {", ".join(f"g.{c.name}" for c in columns)} FROM census_keys s
        JOIN groups g ON g.platform = s.platform AND g.chat_id = s.chat_id""", columns)
    await bulk.drop(conn, "census_keys")
    names = [c.name for c in columns]
    return {(row[1], row[2]): dict(zip(names, row, strict=True)) for row in rows}


async def insert_groups(conn: AsyncConnection, new: list[tuple[str, str, dict]],
                        at: datetime) -> list[int]:
    """Register groups from the census, (platform, chat_id, fields) each; their keys in order."""
    if not new:
        return []
    at = as_utc(at)
    rows = bulk.bound(conn, groups, NEW_GROUP_COLUMNS, [
        (platform, chat_id, GroupStatus.ACTIVE.value, at, at,
         *(values.get(f) for f in GROUP_FIELDS)) for platform, chat_id, values in new])
    columns = ", ".join(NEW_GROUP_COLUMNS)
    await bulk.stage(conn, "census_groups",
                     {**bulk.types_of(conn, groups, NEW_GROUP_COLUMNS), "ord": "integer"},
                     [(*row, i) for i, row in enumerate(rows)])
    # In file order, so ids follow the file; RETURNING itself comes in no promised order.
    found = await bulk.fetch(conn, f"""
        INSERT INTO groups ({columns}) SELECT {columns} FROM census_groups
        ORDER BY ord RETURNING platform, chat_id, id""")
    await bulk.drop(conn, "census_groups")
    ids = {(platform, chat_id): pk for platform, chat_id, pk in found}
    return [ids[(platform, chat_id)] for platform, chat_id, _ in new]


async def audit_registered(conn: AsyncConnection, at: datetime, actor: str,
                           events: list[tuple[int, int]]) -> None:
    """One `registered` audit row per (group pk, census line), in one bulk write."""
    at = as_utc(at)
    await bulk.insert(conn, audit, AUDIT_COLUMNS, [
        (at, actor, "registered", pk, audit_detail({"via": "census", "line": line}))
        for pk, line in events])


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


async def people_by_id(conn: AsyncConnection, user_ids: list[int]) -> dict[int, int]:
    """Member keys of Telegram people by user id, creating those not known yet."""
    if not user_ids:
        return {}
    await bulk.stage(conn, "census_people", {"user_id": "bigint"}, [(u,) for u in user_ids])
    found = dict(await bulk.fetch(conn, _BY_ID))
    missing = [u for u in user_ids if u not in found]
    if missing:
        await bulk.stage(conn, "census_people", {"user_id": "bigint", "display_name": "text"},
                         [(u, str(u)) for u in missing])
        found.update(await bulk.fetch(conn, f"""
            INSERT INTO members (platform, user_id, display_name, is_bot)
            SELECT '{TELEGRAM}', user_id, display_name, false FROM census_people WHERE true
            ON CONFLICT (platform, user_id) DO NOTHING RETURNING user_id, id"""))
        if len(found) < len(user_ids):  # created meanwhile by another writer
            found.update(await bulk.fetch(conn, _BY_ID))
    await bulk.drop(conn, "census_people")
    return found


_BY_ID = f"""SELECT s.user_id, m.id FROM census_people s
             JOIN members m ON m.platform = '{TELEGRAM}' AND m.user_id = s.user_id"""


async def people_by_name(conn: AsyncConnection, names: list[tuple[str, str, str]]
                         ) -> dict[tuple[str, str], int]:
    """Member keys by (platform, name_key), for (platform, name_key, display name) each; people
    not known yet are created under that display name."""
    if not names:
        return {}
    columns = {"platform": "text", "name_key": "text", "display_name": "text"}
    await bulk.stage(conn, "census_people", columns, names)
    found = await _named(conn)
    missing = [(p, key, shown[:255]) for p, key, shown in names if (p, key) not in found]
    if missing:
        await bulk.stage(conn, "census_people", columns, missing)
        rows = await bulk.fetch(conn, """
            INSERT INTO members (platform, name_key, display_name, is_bot)
            SELECT platform, name_key, display_name, false FROM census_people WHERE true
            ON CONFLICT (platform, name_key) WHERE user_id IS NULL DO NOTHING
            RETURNING platform, name_key, id""")
        found.update({(p, key): pk for p, key, pk in rows})
        if len(found) < len(names):  # created meanwhile by another writer
            found.update(await _named(conn))
    await bulk.drop(conn, "census_people")
    return found


async def _named(conn: AsyncConnection) -> dict[tuple[str, str], int]:
    rows = await bulk.fetch(conn, """
        SELECT s.platform, s.name_key, m.user_id, m.id FROM census_people s
        JOIN members m ON m.platform = s.platform AND m.name_key = s.name_key""")
    # Filtered here, not in SQL: `user_id IS NULL` could draw the planner to the
    # (platform, user_id) index and a walk over every name member of the platform.
    return {(p, key): pk for p, key, user, pk in rows if user is None}


async def current_members(conn: AsyncConnection, group_pks: list[int]) -> dict[int, set[int]]:
    """Present member ids of each group."""
    if not group_pks:
        return {}
    # Staged, not an IN list: SQLAlchemy renders a list of thousands slowly. One row per group
    # (its members gathered through the primary key) is far less to hand over than one row per
    # membership, and no aggregate over a join that could spill to disk.
    await bulk.stage(conn, "census_listed", {"group_id": "integer"}, [(pk,) for pk in group_pks])
    sqlite = conn.dialect.name == "sqlite"
    gather = "(SELECT group_concat(member_id)" if sqlite else "ARRAY(SELECT member_id"
    rows = await bulk.fetch(conn, f"""
        SELECT s.group_id, {gather} FROM memberships m
            WHERE m.group_id = s.group_id AND m.status NOT IN ('left', 'kicked'))
        FROM census_listed s""")
    await bulk.drop(conn, "census_listed")
    if sqlite:
        return {pk: set(map(int, ids.split(","))) if ids else set() for pk, ids in rows}
    return {pk: set(ids) for pk, ids in rows}


async def add_members(conn: AsyncConnection, members: list[tuple[int, list[int]]]) -> None:
    """Members of groups registered in this transaction, (group, member keys) each: no row can
    exist yet, so a plain append (COPY on PostgreSQL) instead of an upsert."""
    await bulk.insert(conn, memberships, ("group_id", "member_id", "status", "message_count"),
                      [(group, member, "member", 0) for group, keys in members for member in keys])


async def set_presence(conn: AsyncConnection, joined: list[tuple[int, int]],
                       left: list[tuple[int, int]]) -> None:
    """Mark (group, member) pairs as members or as having left."""
    pair = {"group_id": "integer", "member_id": "integer"}
    if joined:
        # Each pair once: PostgreSQL refuses to upsert one row twice in a statement.
        await bulk.stage(conn, "census_presence", pair, list(dict.fromkeys(joined)))
        await bulk.run(conn, """
            INSERT INTO memberships (group_id, member_id, status, message_count)
            SELECT group_id, member_id, 'member', 0 FROM census_presence WHERE true
            ON CONFLICT (group_id, member_id) DO UPDATE SET status = 'member'""")
    if left:
        await bulk.stage(conn, "census_presence", pair, left)
        await bulk.run(conn, """
            UPDATE memberships SET status = 'left' FROM census_presence s
            WHERE memberships.group_id = s.group_id AND memberships.member_id = s.member_id""")
    await bulk.drop(conn, "census_presence")
    await members_changed(conn, {g for g, _ in (*joined, *left)})
