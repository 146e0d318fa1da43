"""`groupbot db upgrade`: apply the database migrations."""

from __future__ import annotations

from groupbot.cli.words import say
from groupbot.config import Config
from groupbot.storage.migrate import upgrade as upgrade_database


def upgrade(config: Config) -> int:
    """Apply Alembic migrations up to the latest; returns the exit code."""
    upgrade_database(config.database.url)
    print(say("db_up_to_date"))
    return 0
