"""Small SQL building blocks that work the same on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import case
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection


def upsert(conn: AsyncConnection | str, table):
    """An INSERT that supports on_conflict_do_update for the connection's (or named) dialect."""
    name = conn if isinstance(conn, str) else conn.dialect.name
    module = sqlite if name == "sqlite" else postgresql
    return module.insert(table)


def least(current, incoming):
    """The earlier of two nullable values, as SQL."""
    return case(
        (current.is_(None), incoming),
        (incoming.is_(None), current),
        (incoming < current, incoming),
        else_=current,
    )


def greatest(current, incoming):
    """The later of two nullable values, as SQL."""
    return case(
        (current.is_(None), incoming),
        (incoming.is_(None), current),
        (incoming > current, incoming),
        else_=current,
    )
