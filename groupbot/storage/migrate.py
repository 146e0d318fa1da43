"""Apply Alembic migrations programmatically (used by `groupbot db upgrade` and `groupbot run`)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig


def migrations_dir() -> Path:
    """The migrations folder: bundled in the wheel, or beside the package in a checkout."""
    package_dir = Path(__file__).resolve().parent.parent
    for candidate in (package_dir / "migrations", package_dir.parent / "migrations"):
        if (candidate / "env.py").exists():
            return candidate
    raise FileNotFoundError("groupbot migrations folder not found")


def alembic_config(database_url: str) -> AlembicConfig:
    """An Alembic config pointing at our scripts and the given database."""
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(migrations_dir()))
    cfg.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    cfg.attributes["database_url"] = database_url
    return cfg


def upgrade(database_url: str, revision: str = "head") -> None:
    """Upgrade the database schema to `revision`."""
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str = "base") -> None:
    """Downgrade the database schema to `revision`."""
    command.downgrade(alembic_config(database_url), revision)


async def upgrade_async(database_url: str) -> None:
    """Upgrade from inside a running event loop (env.py starts its own loop in a thread)."""
    await asyncio.to_thread(upgrade, database_url)
