"""Re-keying a migrated group, folding a duplicate record of the same chat into it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from groupbot.domain.clock import as_utc
from groupbot.storage.activity import (
    add_group_days,
    add_member_days,
    group_activity,
    member_activity,
    memberships,
    upsert_memberships,
)
from groupbot.storage.group_rows import audit, audit_event, find_group, groups, update_group


async def rekey_group(conn: AsyncConnection, old_chat_id: int, new_chat_id: int, *,
                      at: datetime, actor: str) -> bool:
    """Give a migrated group its new chat id, keeping every row attached to it."""
    old = await find_group(conn, old_chat_id)
    if old is None:
        return False
    duplicate = await find_group(conn, new_chat_id)
    if duplicate is not None:
        # The bot saw the new supergroup before the migration notice: one chat, two records.
        await _fold(conn, source_pk=duplicate.pk, target_pk=old.pk)
    await update_group(conn, old.pk, at, chat_id=str(new_chat_id), chat_type="supergroup")
    await audit_event(conn, at=at, actor=actor, action="migrated", group_pk=old.pk,
                      old_chat_id=old_chat_id, new_chat_id=new_chat_id,
                      folded_record=duplicate.pk if duplicate else None)
    return True


async def _fold(conn: AsyncConnection, *, source_pk: int, target_pk: int) -> None:
    """Add the source record's counters and missing facts to the target, drop the duplicate."""
    await _fill_facts(conn, source_pk, target_pk)
    await add_group_days(conn, await _rows(conn, group_activity, source_pk, target_pk))
    await add_member_days(conn, await _rows(conn, member_activity, source_pk, target_pk))
    rows = await _rows(conn, memberships, source_pk, target_pk)
    await upsert_memberships(conn, rows, [])
    for table in (group_activity, member_activity, memberships):
        await conn.execute(delete(table).where(table.c.group_id == source_pk))
    await conn.execute(update(audit).where(audit.c.group_id == source_pk)
                       .values(group_id=target_pk))
    await conn.execute(delete(groups).where(groups.c.id == source_pk))


FACTS = ("purpose", "owner_user_id", "owner_name", "member_count", "bot_is_admin")


async def _fill_facts(conn: AsyncConnection, source_pk: int, target_pk: int) -> None:
    """The kept record takes the latest activity, and the duplicate's facts where it has none."""
    cols = [groups.c[f] for f in (*FACTS, "last_active")]
    source = (await conn.execute(select(*cols).where(groups.c.id == source_pk))).one()
    target = (await conn.execute(select(*cols).where(groups.c.id == target_pk))).one()
    values = {f: getattr(source, f) for f in FACTS
              if getattr(target, f) is None and getattr(source, f) is not None}
    if source.last_active is not None and (target.last_active is None
                                           or as_utc(source.last_active)
                                           > as_utc(target.last_active)):
        values["last_active"] = source.last_active
    if values:
        await conn.execute(update(groups).where(groups.c.id == target_pk).values(**values))


async def _rows(conn: AsyncConnection, table, source_pk: int, target_pk: int) -> list[dict]:
    result = await conn.execute(select(table).where(table.c.group_id == source_pk))
    return [{**row._asdict(), "group_id": target_pk} for row in result]
