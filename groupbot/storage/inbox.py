"""The update inbox (updates still owed a handler) and the acknowledged getUpdates offset."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from groupbot.domain.clock import as_utc
from groupbot.storage.sqlx import upsert
from groupbot.storage.tables import BotState, InboxUpdate

inbox = InboxUpdate.__table__
state = BotState.__table__
OFFSET_KEY = "telegram.offset"


@dataclass(frozen=True, slots=True)
class InboxItem:
    """One update to keep: either owed a handler (pending) or quarantined (failed)."""

    update_id: int
    kind: str
    payload: dict | None
    state: str = "pending"
    error: str | None = None


async def add_items(conn: AsyncConnection, items: list[InboxItem], at: datetime) -> None:
    """Store items; an update id already stored is left as it is."""
    if not items:
        return
    stmt = upsert(conn, inbox).on_conflict_do_nothing(index_elements=[inbox.c.update_id])
    await conn.execute(stmt, [
        {"update_id": i.update_id, "kind": i.kind, "state": i.state, "error": i.error,
         "payload": json.dumps(i.payload, ensure_ascii=False) if i.payload is not None else None,
         "received_at": as_utc(at)}
        for i in items
    ])


async def pending_items(conn: AsyncConnection, limit: int = 100) -> list[InboxItem]:
    """Updates still owed a handler, oldest first."""
    rows = await conn.execute(
        select(inbox.c.update_id, inbox.c.kind, inbox.c.payload)
        .where(inbox.c.state == "pending").order_by(inbox.c.update_id).limit(limit)
    )
    return [InboxItem(r.update_id, r.kind, json.loads(r.payload) if r.payload else None)
            for r in rows]


async def pending_count(conn: AsyncConnection) -> int:
    """Updates still owed a handler."""
    return (await conn.execute(select(func.count()).select_from(inbox)
                               .where(inbox.c.state == "pending"))).scalar_one()


async def finish_item(conn: AsyncConnection, update_id: int, new_state: str,
                      error: str | None = None) -> None:
    """Close an item; its payload (it may hold command text) is erased either way."""
    values = {"state": new_state, "error": error, "payload": None}
    await conn.execute(update(inbox).where(inbox.c.update_id == update_id).values(**values))


async def get_offset(conn: AsyncConnection) -> int | None:
    """The next update id to ask Telegram for (everything below it is committed)."""
    value = (await conn.execute(select(state.c.value).where(state.c.key == OFFSET_KEY))).scalar()
    return int(value) if value is not None else None


class OffsetMoved(Exception):
    """The stored offset is not the one this batch was fetched with: it is already applied."""


async def advance_offset(conn: AsyncConnection, fetched_with: int | None, offset: int) -> None:
    """Compare-and-set the offset; raises OffsetMoved so a batch applied once rolls back.

    Telegram may restart update ids lower after a quiet week, so the offset is not forced to
    grow; what matters is that it still equals the value the batch was fetched with.
    """
    if fetched_with is None:
        stmt = upsert(conn, state).values(key=OFFSET_KEY, value=str(offset))
        result = await conn.execute(stmt.on_conflict_do_nothing(index_elements=[state.c.key]))
    else:
        result = await conn.execute(
            update(state).where(state.c.key == OFFSET_KEY, state.c.value == str(fetched_with))
            .values(value=str(offset)))
    if result.rowcount != 1:
        raise OffsetMoved(f"offset is no longer {fetched_with}")
