"""Shared fixtures: a migrated database on SQLite always, and on PostgreSQL when configured."""

from __future__ import annotations

import asyncio
import os
import time

import pytest
from hypothesis import settings as hypothesis_settings
from sqlalchemy import text

from groupbot.clock import EPOCH_VARIABLE, NOW_VARIABLE
from groupbot.storage.db import make_engine
from groupbot.storage.migrate import upgrade
from groupbot.storage.tables import Base

# No per-example deadline: on a loaded CI machine a slow example is not a failing one.
hypothesis_settings.register_profile("suite", deadline=None)
hypothesis_settings.load_profile("suite")

PG_URL = os.environ.get("GROUPBOT_TEST_DATABASE_URL")
BACKENDS = ["sqlite", pytest.param("postgres", marks=[
    pytest.mark.postgres,
    pytest.mark.skipif(not PG_URL, reason="GROUPBOT_TEST_DATABASE_URL is not set"),
])]

_pg_migrated = False


@pytest.fixture(autouse=True)
def pinned_moment(monkeypatch):
    """With GROUPBOT_TEST_NOW set, every test starts at that moment and time ticks from there."""
    if os.environ.get(NOW_VARIABLE):
        monkeypatch.setenv(EPOCH_VARIABLE, repr(time.time()))  # the clock module's own reading


def reset_postgres(url: str) -> None:
    """Empty every table of the shared test database (schema at head)."""
    global _pg_migrated
    if not _pg_migrated:
        upgrade(url)
        _pg_migrated = True

    async def truncate():
        engine = make_engine(url)
        names = ", ".join(t.name for t in Base.metadata.sorted_tables)
        async with engine.begin() as conn:
            await conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        await engine.dispose()

    asyncio.run(truncate())


@pytest.fixture(params=BACKENDS)
def db_url(request, tmp_path) -> str:
    """A freshly migrated, empty database URL (SQLite file, or the PostgreSQL test database)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'groupbot.db'}"
        upgrade(url)
        return url
    reset_postgres(PG_URL)
    return PG_URL


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    """A freshly migrated SQLite file."""
    url = f"sqlite:///{tmp_path / 'groupbot.db'}"
    upgrade(url)
    return url
