"""Use cases: a person asks to be forgotten; old activity is pruned after the retention period."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from groupbot.clock import Clock
from groupbot.services.ingest import IngestService
from groupbot.storage import coordination_rows, inbox, privacy_rows
from groupbot.storage.group_rows import audit_event

RECEIPTS_KEPT = timedelta(days=3)
RUNS_KEPT = timedelta(days=30)


class PrivacyService:
    """Forget people; prune old rows."""

    def __init__(self, engine: AsyncEngine, clock: Clock, ingest: IngestService | None = None):
        self._engine = engine
        self._clock = clock
        self._tz = clock.tz
        self._ingest = ingest

    async def forget(self, user_id: int) -> int:
        """Remove a user's member rows, names and audit identity; returns rows removed."""
        async with self._engine.begin() as conn:
            removed = await privacy_rows.forget_user(conn, user_id)
            await audit_event(conn, at=self._clock.now(), actor=privacy_rows.FORGOTTEN,
                              action="forgotten", group_pk=None)
        if self._ingest is not None:
            self._ingest.forget_member(user_id)  # its cached row id no longer exists
        return removed

    async def prune(self, retention_days: int) -> tuple[int, int]:
        """Drop daily activity older than the retention period (0 keeps everything)."""
        async with self._engine.begin() as conn:
            # Telegram stops re-sending an update within a day; its receipt is kept a while longer.
            await inbox.prune_receipts(conn, self._clock.now() - RECEIPTS_KEPT)
            # Leases of workers long gone, and job runs old enough never to be due again.
            await coordination_rows.prune_expired(conn, self._clock.now() - RUNS_KEPT)
        if retention_days <= 0:
            return 0, 0
        today = self._clock.today()
        cutoff = today - timedelta(days=retention_days)
        async with self._engine.begin() as conn:
            return await privacy_rows.prune_before(
                conn, cutoff, datetime.combine(cutoff, time(0), self._tz))
