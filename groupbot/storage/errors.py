"""Telling a database that is down or read-only apart from a bad row."""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

# PostgreSQL SQLSTATE classes/codes that a later retry can outlive: connection (08), resources
# such as a full disk (53), operator intervention such as shutdown (57), read-only transaction
# (25006), serialization failure (40001) and deadlock (40P01).
TRANSIENT_SQLSTATE_CLASSES = ("08", "53", "57")
TRANSIENT_SQLSTATES = ("25006", "40001", "40P01")


def is_transient(error: BaseException | None) -> bool:
    """True when retrying later may succeed (connection lost, locked, read-only, down)."""
    if isinstance(error, OperationalError | InterfaceError | OSError | ConnectionError):
        return True
    if not isinstance(error, DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    state = getattr(error.orig, "sqlstate", None) or ""
    return state[:2] in TRANSIENT_SQLSTATE_CLASSES or state in TRANSIENT_SQLSTATES


def is_conflict(error: BaseException | None) -> bool:
    """Lost to another worker's transaction, which may simply be run again: a deadlock, a
    serialization failure, or a key that worker inserted meanwhile (two workers registering
    the same new group at once; run again, the transaction finds it)."""
    state = getattr(getattr(error, "orig", None), "sqlstate", None) or ""
    return state in ("40001", "40P01", "23505")
