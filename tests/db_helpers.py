"""Reading a database by URL in tests, with an engine of its own (closed afterwards)."""

from groupbot.storage.db import make_engine


async def fetch(db_url: str, statement) -> list:
    """Every row `statement` returns."""
    engine = make_engine(db_url)
    async with engine.connect() as conn:
        rows = (await conn.execute(statement)).all()
    await engine.dispose()
    return rows
