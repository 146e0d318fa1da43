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



async def fetch_plain(conn: AsyncConnection, statement) -> list[tuple]:
    """Every row of a large read as plain tuples, straight from the driver.

    SQLAlchemy's async adapters hand rows over one at a time; for a million rows of ids and
    keys that costs more than the query. Only for columns the driver returns as they are
    stored (integers, text).
    """
    compiled = statement.compile(dialect=conn.dialect,
                                 compile_kwargs={"render_postcompile": True})
    params = [compiled.params[name] for name in compiled.positiontup or ()]
    driver = (await conn.get_raw_connection()).driver_connection
    if conn.dialect.name == "sqlite":
        return list(await driver.execute_fetchall(str(compiled), params))
    return [tuple(record) for record in await driver.fetch(str(compiled), *params)]
