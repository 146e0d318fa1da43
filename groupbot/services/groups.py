"""Use cases on registered groups: purpose, owner, size, records and the inventory."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from groupbot.clock import Clock
from groupbot.domain.events import GroupStatus
from groupbot.domain.inventory import (
    ACTIVITY_WINDOW_DAYS,
    GroupRecord,
    InventorySummary,
    clean_purpose,
    summarise_inventory,
)
from groupbot.services.ingest import SYSTEM, user_actor
from groupbot.storage import group_rows, inventory
from groupbot.storage.db import reader
from groupbot.storage.merge_rows import rekey_group


class UnknownGroup(LookupError):
    """The chat is not a registered group."""


class GroupService:
    """Reads and changes group records; each call is one transaction."""

    def __init__(self, engine: AsyncEngine, clock: Clock,
                 forget: Callable[..., None] = lambda *chat_ids: None):
        self._engine = engine
        self._reader = reader(engine)
        self._clock = clock
        self._tz = clock.tz
        # Ingestion caches group rows; changes made here must reach that cache.
        self._forget = forget

    def _since(self, now: datetime):
        """First local day of the activity window ending today."""
        return (now.astimezone(self._tz) - timedelta(days=ACTIVITY_WINDOW_DAYS - 1)).date()

    async def set_purpose(self, chat_id: int, text: str | None, actor_id: int | None) -> str:
        """Validate and store a group's purpose; raises PurposeError or UnknownGroup."""
        purpose = clean_purpose(text)
        now = self._clock.now()
        async with self._engine.begin() as conn:
            key = await group_rows.find_group(conn, chat_id)
            if key is None:
                raise UnknownGroup(chat_id)
            await group_rows.update_group(conn, key.pk, now, purpose=purpose)
            await group_rows.audit_event(conn, at=now, actor=user_actor(actor_id),
                                         action="purpose_set", group_pk=key.pk, purpose=purpose)
        return purpose

    async def set_facts(self, chat_id: int, **facts) -> None:
        """Store facts read from Telegram (owner, member count, bot rights); no-op if unknown."""
        facts = {k: v for k, v in facts.items() if v is not None}
        if not facts:
            return
        async with self._engine.begin() as conn:
            key = await group_rows.find_group(conn, chat_id)
            if key is not None:
                await group_rows.update_group(conn, key.pk, self._clock.now(), **facts)

    async def rekey(self, old_chat_id: int, new_chat_id: int) -> bool:
        """Follow a group that Telegram reports as migrated to a new id."""
        async with self._engine.begin() as conn:
            moved = await rekey_group(conn, old_chat_id, new_chat_id, at=self._clock.now(),
                                      actor=SYSTEM)
        self._forget(old_chat_id, new_chat_id)
        return moved

    async def mark_bot_removed(self, chat_id: int, reason: str) -> None:
        """Record that the bot can no longer reach a group; every row stays."""
        async with self._engine.begin() as conn:
            key = await group_rows.find_group(conn, chat_id)
            if key is not None:
                await group_rows.set_status(conn, key, GroupStatus.BOT_REMOVED,
                                            at=self._clock.now(), actor=SYSTEM, reason=reason)
        self._forget(chat_id)

    async def record(self, chat_id: int | str, now: datetime | None = None) -> GroupRecord | None:
        """One group's inventory record."""
        async with self._reader.connect() as conn:
            return await inventory.one_record(conn, chat_id, self._since(now or self._clock.now()))

    async def inventory(self, now: datetime | None = None) -> list[GroupRecord]:
        """Every registered group."""
        async with self._reader.connect() as conn:
            return await inventory.all_records(conn, self._since(now or self._clock.now()))

    async def summary(self, now: datetime | None = None) -> InventorySummary:
        """Headline figures of the inventory."""
        now = now or self._clock.now()
        return summarise_inventory(await self.inventory(now), now)
