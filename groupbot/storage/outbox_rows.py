"""The outbox: messages stored with their action, claimed by one worker, deleted when sent."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from groupbot.domain.clock import as_utc
from groupbot.storage.tables import OutboxMessage

outbox = OutboxMessage.__table__
# Besides messages (text, photo, document), changes to a group: make it read-only, keeping
# what it allowed before (body: whose record keeps it), or give it permissions back.
RESTRICT = "restrict"
PERMISSIONS = "permissions"


@dataclass(frozen=True)
class Outgoing:
    """One message to deliver: kind text (body["text"]), photo or document (blob)."""

    chat_id: int
    kind: str
    body: dict = field(default_factory=dict)
    blob: bytes | None = None


@dataclass(frozen=True)
class Stored:
    """An outbox row."""

    id: int
    message: Outgoing


async def add(conn: AsyncConnection, messages: list[Outgoing], at: datetime) -> list[int]:
    """Store messages in the caller's transaction; returns their ids in order."""
    ids = []
    for m in messages:  # one by one: the ids must follow the order of the messages
        result = await conn.execute(outbox.insert().values(
            chat_id=m.chat_id, kind=m.kind, body=json.dumps(m.body, ensure_ascii=False),
            blob=m.blob, created_at=as_utc(at)).returning(outbox.c.id))
        ids.append(result.scalar_one())
    return ids


async def claim(conn: AsyncConnection, holder: str, ids: list[int]) -> list[Stored]:
    """Claim these rows if nobody has them yet."""
    if not ids:
        return []
    return await _claim_where(conn, holder, outbox.c.id.in_(ids) & outbox.c.claimed_by.is_(None))


async def claim_stranded(conn: AsyncConnection, holder: str, live: list[str],
                         unclaimed_before: datetime, limit: int = 100) -> list[Stored]:
    """Rows nobody is delivering: left unclaimed a while, or held by a worker now dead."""
    others = [h for h in live if h != holder]
    stranded = outbox.c.claimed_by.is_(None) & (outbox.c.created_at < as_utc(unclaimed_before))
    # Rows this worker holds are being delivered by it right now; a dead worker's are not.
    held_by_dead = outbox.c.claimed_by.is_not(None) & (outbox.c.claimed_by != holder)
    if others:
        held_by_dead &= outbox.c.claimed_by.not_in(others)
    stranded |= held_by_dead
    oldest = select(outbox.c.id).where(stranded).order_by(outbox.c.id).limit(limit)
    if conn.dialect.name == "postgresql":
        oldest = oldest.with_for_update(skip_locked=True)
    return await _claim_where(conn, holder, outbox.c.id.in_(oldest.scalar_subquery()))


async def _claim_where(conn: AsyncConnection, holder: str, condition) -> list[Stored]:
    rows = await conn.execute(update(outbox).where(condition).values(claimed_by=holder)
                              .returning(outbox.c.id, outbox.c.chat_id, outbox.c.kind,
                                         outbox.c.body, outbox.c.blob))
    stored = [Stored(r.id, Outgoing(r.chat_id, r.kind, json.loads(r.body), r.blob))
              for r in rows]
    return sorted(stored, key=lambda s: s.id)


async def done(conn: AsyncConnection, row_id: int) -> None:
    """Delivered (or undeliverable for good): the row goes."""
    await conn.execute(delete(outbox).where(outbox.c.id == row_id))


async def release(conn: AsyncConnection, ids: list[int]) -> None:
    """Give rows back for a later try (Telegram unreachable now)."""
    if ids:
        await conn.execute(update(outbox).where(outbox.c.id.in_(ids)).values(claimed_by=None))


async def pending_count(conn: AsyncConnection) -> int:
    """Messages not yet delivered."""
    return (await conn.execute(select(func.count()).select_from(outbox))).scalar_one()
