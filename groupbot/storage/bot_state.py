"""The bot_state table: small named values (the update offset, marks, claims, dates)."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from groupbot.storage.sqlx import upsert
from groupbot.storage.tables import BotState

state = BotState.__table__


async def get(conn: AsyncConnection, key: str) -> str | None:
    """The value stored under `key`, or None."""
    return (await conn.execute(select(state.c.value).where(state.c.key == key))).scalar()


async def put(conn: AsyncConnection, key: str, value: str) -> None:
    """Store `value` under `key`, replacing what was there."""
    await conn.execute(upsert(conn, state).values(key=key, value=value).on_conflict_do_update(
        index_elements=[state.c.key], set_={"value": value}))


async def add(conn: AsyncConnection, key: str, value: str) -> bool:
    """Store `value` unless `key` already has one; True when this call stored it."""
    result = await conn.execute(upsert(conn, state).values(key=key, value=value)
                                .on_conflict_do_nothing(index_elements=[state.c.key]))
    return result.rowcount == 1


async def swap(conn: AsyncConnection, key: str, expected: str, value: str) -> bool:
    """Compare-and-set: replace the value only if it still is `expected`; True if replaced."""
    result = await conn.execute(update(state).where(state.c.key == key, state.c.value == expected)
                                .values(value=value))
    return result.rowcount == 1
