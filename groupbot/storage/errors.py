"""Telling a database that is down or read-only apart from a bad row."""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError


def is_transient(error: BaseException | None) -> bool:
    """True when retrying later may succeed (connection lost, locked, read-only, down)."""
    if isinstance(error, OperationalError | InterfaceError | OSError | ConnectionError):
        return True
    return isinstance(error, DBAPIError) and bool(error.connection_invalidated)
