"""The update inbox (updates still owed a handler) and the acknowledged getUpdates offset."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import BigInteger, cast, select, update
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


async def finish_item(conn: AsyncConnection, update_id: int, new_state: str,
                      error: str | None = None) -> None:
    """Close an item; a handled update's payload (it may hold command text) is erased."""
    values = {"state": new_state, "error": error}
    if new_state == "done":
        values["payload"] = None
    await conn.execute(update(inbox).where(inbox.c.update_id == update_id).values(**values))


async def get_offset(conn: AsyncConnection) -> int | None:
    """The next update id to ask Telegram for (everything below it is committed)."""
    value = (await conn.execute(select(state.c.value).where(state.c.key == OFFSET_KEY))).scalar()
    return int(value) if value is not None else None


async def set_offset(conn: AsyncConnection, offset: int) -> None:
    """Advance the committed offset; it only moves forward."""
    stmt = upsert(conn, state).values(key=OFFSET_KEY, value=str(offset))
    await conn.execute(stmt.on_conflict_do_update(
        index_elements=[state.c.key], set_={"value": str(offset)},
        # Stored as text, so compare as numbers: the offset must never move back.
        where=cast(state.c.value, BigInteger) < offset,
    ))
