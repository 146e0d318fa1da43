"""Engine and session set-up for SQLite (WAL, immediate write transactions) and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

SQLITE_BUSY_TIMEOUT_MS = 15_000
READONLY_OPTION = "groupbot_readonly"


def async_url(url: str) -> str:
    """Map a plain database URL to its asyncio driver (aiosqlite / asyncpg)."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return parsed.set(drivername="sqlite+aiosqlite").render_as_string(hide_password=False)
    if backend in ("postgresql", "postgres"):
        return parsed.set(drivername="postgresql+asyncpg").render_as_string(hide_password=False)
    raise ValueError(f"unsupported database URL scheme: {parsed.drivername}")


def is_sqlite(engine: AsyncEngine) -> bool:
    """True when the engine talks to SQLite."""
    return engine.dialect.name == "sqlite"


def make_engine(url: str) -> AsyncEngine:
    """Create the async engine with the per-backend settings groupbot relies on."""
    # hide_parameters: errors must not carry names, titles or command text into the logs.
    engine = create_async_engine(async_url(url), pool_pre_ping=not url.startswith("sqlite"),
                                 hide_parameters=True)
    if is_sqlite(engine):
        _configure_sqlite(engine)
    return engine


def reader(engine: AsyncEngine) -> AsyncEngine:
    """A view of the engine for read-only work (no write lock on SQLite)."""
    return engine.execution_options(**{READONLY_OPTION: True})


def _configure_sqlite(engine: AsyncEngine) -> None:
    """WAL, busy timeout, and BEGIN IMMEDIATE so a read-then-write never hits 'locked'."""

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Take over transaction control from the driver so BEGIN below is the only one.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode=WAL")
        # NORMAL is durable against a killed process in WAL mode; only power loss can drop a commit.
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA cache_size=-65536")  # 64 MiB of page cache per connection
        cursor.execute("PRAGMA temp_store=MEMORY")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection):
        # Writers queue on busy_timeout at BEGIN instead of failing mid-transaction;
        # readers (see `reader`) take no write lock so WAL lets them run beside a writer.
        readonly = connection.get_execution_options().get(READONLY_OPTION, False)
        connection.exec_driver_sql("BEGIN" if readonly else "BEGIN IMMEDIATE")
