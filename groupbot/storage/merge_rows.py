"""Re-keying a migrated group, folding a duplicate record of the same chat into it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

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
    """Add the source record's counters to the target, then drop the duplicate record."""
    await add_group_days(conn, await _rows(conn, group_activity, source_pk, target_pk))
    await add_member_days(conn, await _rows(conn, member_activity, source_pk, target_pk))
    rows = await _rows(conn, memberships, source_pk, target_pk)
    await upsert_memberships(conn, rows, [])
    for table in (group_activity, member_activity, memberships):
        await conn.execute(delete(table).where(table.c.group_id == source_pk))
    await conn.execute(update(audit).where(audit.c.group_id == source_pk)
                       .values(group_id=target_pk))
    await conn.execute(delete(groups).where(groups.c.id == source_pk))


async def _rows(conn: AsyncConnection, table, source_pk: int, target_pk: int) -> list[dict]:
    result = await conn.execute(select(table).where(table.c.group_id == source_pk))
    return [{**row._asdict(), "group_id": target_pk} for row in result]
