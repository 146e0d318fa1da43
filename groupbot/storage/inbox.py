"""The update inbox (updates still owed a handler) and the acknowledged getUpdates offset."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select, true, update
from sqlalchemy.ext.asyncio import AsyncConnection

from groupbot.domain.clock import as_utc
from groupbot.storage import bot_state
from groupbot.storage.sqlx import upsert
from groupbot.storage.tables import InboxUpdate, UpdateReceipt

inbox = InboxUpdate.__table__
receipts = UpdateReceipt.__table__
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


async def add_receipts(conn: AsyncConnection, update_ids: list[int], at: datetime) -> set[int]:
    """Record update ids as received; returns those not received before."""
    if not update_ids:
        return set()
    stmt = (upsert(conn, receipts).values([{"update_id": u, "received_at": as_utc(at)}
                                           for u in sorted(update_ids)])  # lock order
            .on_conflict_do_nothing(index_elements=[receipts.c.update_id])
            .returning(receipts.c.update_id))
    return {row[0] for row in await conn.execute(stmt)}


async def prune_receipts(conn: AsyncConnection, before: datetime) -> int:
    """Forget receipts older than any retry Telegram would still make."""
    result = await conn.execute(delete(receipts).where(receipts.c.received_at < as_utc(before)))
    return result.rowcount


async def pending_items(conn: AsyncConnection, limit: int = 100) -> list[InboxItem]:
    """Updates still owed a handler, oldest first."""
    rows = await conn.execute(
        select(inbox.c.update_id, inbox.c.kind, inbox.c.payload)
        .where(inbox.c.state == "pending").order_by(inbox.c.update_id).limit(limit)
    )
    return [InboxItem(r.update_id, r.kind, json.loads(r.payload) if r.payload else None)
            for r in rows]


async def claim_items(conn: AsyncConnection, holder: str, live: list[str],
                      limit: int = 100) -> list[InboxItem]:
    """Take the oldest pending updates for `holder`: unclaimed, its own, or a dead worker's.

    On PostgreSQL, SKIP LOCKED lets several workers claim side by side without waiting.
    """
    oldest = _takeable(holder, live, limit)
    if conn.dialect.name == "postgresql":
        oldest = oldest.with_for_update(skip_locked=True)
    rows = await conn.execute(
        update(inbox).where(inbox.c.update_id.in_(oldest.scalar_subquery()))
        .values(claimed_by=holder).returning(inbox.c.update_id, inbox.c.kind, inbox.c.payload))
    return sorted((InboxItem(r.update_id, r.kind, json.loads(r.payload) if r.payload else None)
                   for r in rows), key=lambda item: item.update_id)


async def takeable_items(conn: AsyncConnection, holder: str, live: list[str],
                         limit: int = 100) -> list[InboxItem]:
    """What `holder` could claim, read without claiming (the database may be read-only)."""
    ids = _takeable(holder, live, limit).subquery()
    rows = await conn.execute(select(inbox.c.update_id, inbox.c.kind, inbox.c.payload)
                              .where(inbox.c.update_id.in_(select(ids.c.update_id)))
                              .order_by(inbox.c.update_id))
    return [InboxItem(r.update_id, r.kind, json.loads(r.payload) if r.payload else None)
            for r in rows]


def _takeable(holder: str, live: list[str], limit: int):
    """Oldest pending updates that are unclaimed, `holder`'s, or held by a dead worker."""
    others = [h for h in live if h != holder]
    takeable = inbox.c.claimed_by.is_(None) | (inbox.c.claimed_by == holder)
    if others:
        takeable |= inbox.c.claimed_by.not_in(others)
    else:
        takeable = true()
    return (select(inbox.c.update_id).where(inbox.c.state == "pending", takeable)
            .order_by(inbox.c.update_id).limit(limit))


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
    value = await bot_state.get(conn, OFFSET_KEY)
    return int(value) if value is not None else None


class OffsetMoved(Exception):
    """The stored offset is not the one this batch was fetched with: it is already applied."""


async def advance_offset(conn: AsyncConnection, fetched_with: int | None, offset: int) -> None:
    """Compare-and-set the offset; raises OffsetMoved so a batch applied once rolls back.

    Telegram may restart update ids lower after a quiet week, so the offset is not forced to
    grow; what matters is that it still equals the value the batch was fetched with.
    """
    if fetched_with is None:
        moved = not await bot_state.add(conn, OFFSET_KEY, str(offset))
    else:
        moved = not await bot_state.swap(conn, OFFSET_KEY, str(fetched_with), str(offset))
    if moved:
        raise OffsetMoved(f"offset is no longer {fetched_with}")
