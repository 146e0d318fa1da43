"""Alembic migrations run up, down and up again on SQLite and PostgreSQL."""

import asyncio

from sqlalchemy import inspect

from groupbot.storage.db import make_engine
from groupbot.storage.migrate import downgrade, upgrade
from groupbot.storage.tables import Base


async def table_names(url: str) -> set[str]:
    engine = make_engine(url)
    async with engine.connect() as conn:
        names = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
    await engine.dispose()
    return names


def test_upgrade_downgrade_upgrade(db_url):
    expected = {t.name for t in Base.metadata.sorted_tables}
    assert expected <= asyncio.run(table_names(db_url))
    downgrade(db_url)
    assert asyncio.run(table_names(db_url)) <= {"alembic_version"}
    upgrade(db_url)
    assert expected <= asyncio.run(table_names(db_url))
