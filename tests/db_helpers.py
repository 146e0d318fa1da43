"""Reading a database by URL in tests, with an engine of its own (closed afterwards)."""

from groupbot.storage.db import make_engine


async def fetch(db_url: str, statement) -> list:
    """Every row `statement` returns."""
    engine = make_engine(db_url)
    async with engine.connect() as conn:
        rows = (await conn.execute(statement)).all()
    await engine.dispose()
    return rows


async def checksum(db_url: str) -> tuple[dict[str, int], str]:
    """Row counts of every table and one SHA-256 over all their rows, each table ordered by its
    primary key: equal checksums mean the database is byte-for-byte as it was."""
    import hashlib

    from sqlalchemy import select

    from groupbot.storage.tables import Base

    digest, counts = hashlib.sha256(), {}
    engine = make_engine(db_url)
    async with engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            order = list(table.primary_key.columns) or list(table.columns)
            rows = (await conn.execute(select(table).order_by(*order))).all()
            counts[table.name] = len(rows)
            digest.update(table.name.encode())
            for row in rows:
                digest.update(repr(tuple(row)).encode())
    await engine.dispose()
    return counts, digest.hexdigest()
