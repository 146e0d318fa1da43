"""Use case: commit a batch of updates (their effects, inbox rows and offset) in one transaction."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from groupbot.clock import Clock
from groupbot.domain.activity import OFFICE_HOURS, ActivityBatch, WorkingHours, summarise
from groupbot.domain.events import (
    PRESENT_STATUSES,
    BotStatusChanged,
    ChatMigrated,
    ChatRef,
    Event,
    GroupStatus,
)
from groupbot.storage import activity, coordination_rows, group_rows, inbox
from groupbot.storage.db import reader
from groupbot.storage.group_rows import GroupKey
from groupbot.storage.inbox import InboxItem
from groupbot.storage.merge_rows import rekey_group

SYSTEM = "system"


@dataclass(frozen=True, slots=True)
class Delivery:
    """One update as received: its events, and the inbox row it owes (if any)."""

    update_id: int
    kind: str
    events: list[Event]
    item: InboxItem | None

    def quarantined(self, error: str) -> Delivery:
        """The same update kept aside as failed: no effects, no payload, just the error."""
        return Delivery(self.update_id, self.kind, [],
                        InboxItem(self.update_id, self.kind, None, "failed", error))


def user_actor(user_id: int | None) -> str:
    """How a Telegram user is named in the audit log."""
    return f"user:{user_id}" if user_id is not None else SYSTEM


class IngestService:
    """Applies updates exactly once: effects and the new offset commit together."""

    def __init__(self, engine: AsyncEngine, clock: Clock, hours: WorkingHours = OFFICE_HOURS):
        self._engine = engine
        self._hours = hours
        self._reader = reader(engine)
        self._clock = clock
        self._tz = clock.tz
        # Primary keys never change, so caching them saves a lookup per batch; a member's
        # row is rewritten only when they are new or their name changed.
        self._groups: dict[int, GroupKey] = {}
        self._members: dict[int, tuple[int, str, str | None]] = {}

    async def offset(self) -> int | None:
        """The next update id owed to us."""
        async with self._reader.connect() as conn:
            return await inbox.get_offset(conn)

    async def commit(self, events: Iterable[Event], items: list[InboxItem],
                     fetched_with: int | None, next_offset: int) -> None:
        """Apply events, store inbox items and move the offset, all or nothing.

        Raises OffsetMoved (and applies nothing) when the offset is no longer `fetched_with`:
        the batch was already committed, e.g. by a commit whose answer was lost.
        """
        batch = summarise(events, self._tz, self._hours)
        try:
            async with self._engine.begin() as conn:
                await inbox.advance_offset(conn, fetched_with, next_offset)
                await self._apply(conn, batch)
                await inbox.add_items(conn, items, self._clock.now())
        except BaseException:
            # A rolled-back transaction may have cached rows that do not exist.
            self._groups.clear()
            self._members.clear()
            raise

    async def commit_received(self, deliveries: list[Delivery]) -> set[int]:
        """Apply webhook deliveries, each update id once ever; returns the ids newly applied.

        Telegram re-sends an update until it gets a 200, so a delivery whose receipt already
        exists (the answer was lost, or another worker took it) changes nothing.
        """
        unique = list({d.update_id: d for d in deliveries}.values())
        try:
            async with self._engine.begin() as conn:
                fresh = await inbox.add_receipts(conn, [d.update_id for d in unique],
                                                 self._clock.now())
                chosen = [d for d in unique if d.update_id in fresh]
                batch = summarise([e for d in chosen for e in d.events], self._tz, self._hours)
                await self._apply(conn, batch)
                await inbox.add_items(conn, [d.item for d in chosen if d.item], self._clock.now())
        except BaseException:
            self._groups.clear()
            self._members.clear()
            raise
        return fresh

    def forget_member(self, user_id: int) -> None:
        """Drop a member's cached row (the person asked to be forgotten)."""
        self._members.pop(user_id, None)

    def forget(self, *chat_ids: int) -> None:
        """Drop cached facts about groups changed elsewhere (re-keyed, marked removed)."""
        for chat_id in chat_ids:
            self._groups.pop(chat_id, None)

    async def record(self, events: Iterable[Event], actor: str,
                     also: Callable[[AsyncConnection], Awaitable[None]] | None = None) -> None:
        """Apply events that did not come through getUpdates (e.g. an imported history).

        `also` runs in the same transaction: an import stores how far it got with the
        activity that covers it, so a failure never leaves one without the other.
        """
        batch = summarise(events, self._tz, self._hours)
        try:
            async with self._engine.begin() as conn:
                await self._apply(conn, batch, actor)
                if also is not None:
                    await also(conn)
        except BaseException:
            self._groups.clear()
            self._members.clear()
            raise

    async def _apply(self, conn: AsyncConnection, batch: ActivityBatch,
                     actor: str = SYSTEM) -> None:
        for event in batch.structural:
            if isinstance(event, ChatMigrated):
                await self._migrate(conn, event)
            elif isinstance(event, BotStatusChanged):
                await self._bot_status(conn, event)
        group_pk = await self._resolve_groups(conn, batch.chats, actor)
        member_pk = await self._resolve_members(conn, batch)
        await activity.write_counters(conn, batch, group_pk, member_pk)

    async def _migrate(self, conn: AsyncConnection, event: ChatMigrated) -> None:
        self._groups.pop(event.old_chat_id, None)
        self._groups.pop(event.new_chat_id, None)
        await rekey_group(conn, event.old_chat_id, event.new_chat_id, at=event.at, actor=SYSTEM)

    async def _bot_status(self, conn: AsyncConnection, event: BotStatusChanged) -> None:
        actor = user_actor(event.actor.user_id if event.actor else None)
        # Read the row afresh: another worker may have changed the status since we cached it.
        self._groups.pop(event.chat.chat_id, None)
        key = await self._group(conn, event.chat, actor=actor, via="bot_added")
        at = event.at
        if event.status in PRESENT_STATUSES:
            # The bot's arrival marks where live counting starts (an imported history stops).
            await group_rows.audit_event(conn, at=at, actor=actor, action="bot_present",
                                         group_pk=key.pk, status=event.status)
            if key.status == GroupStatus.BOT_REMOVED:
                await group_rows.set_status(conn, key, GroupStatus.ACTIVE, at=at, actor=actor,
                                            reason="bot added again")
            await group_rows.update_group(conn, key.pk, at,
                                          bot_is_admin=event.status == "administrator")
        else:
            await group_rows.set_status(conn, key, GroupStatus.BOT_REMOVED, at=at, actor=actor,
                                        reason=f"bot {event.status}", bot_is_admin=False)

    async def _group(self, conn: AsyncConnection, chat: ChatRef, *, actor: str,
                     via: str) -> GroupKey:
        key = self._groups.get(chat.chat_id) or await group_rows.find_group(conn, chat.chat_id)
        if key is None:
            key = await group_rows.register_group(
                conn, chat_id=chat.chat_id, title=chat.title or "", chat_type=chat.chat_type,
                at=self._clock.now(), actor=actor, via=via)
        self._groups[chat.chat_id] = key
        return key

    async def _resolve_groups(self, conn: AsyncConnection, chats: dict[int, ChatRef],
                              actor: str = SYSTEM) -> dict[int, int]:
        """Primary keys of every chat in the batch, registering unknown ones, tracking titles."""
        missing = [cid for cid in chats if cid not in self._groups]
        self._groups.update(await group_rows.find_groups(conn, missing))
        pks = {}
        for chat_id, chat in chats.items():
            key = await self._group(conn, chat, actor=actor,
                                    via="message" if actor == SYSTEM else actor)
            if actor == SYSTEM and chat.title is not None and chat.title != key.title:
                await self._retitle(conn, key, chat.title)
            pks[chat_id] = key.pk
        return pks

    async def _retitle(self, conn: AsyncConnection, key: GroupKey, title: str) -> None:
        now = self._clock.now()
        await group_rows.update_group(conn, key.pk, now, title=title[:255])
        await group_rows.audit_event(conn, at=now, actor=SYSTEM, action="title_changed",
                                     group_pk=key.pk, old=key.title, new=title)
        key.title = title

    async def _resolve_members(self, conn: AsyncConnection, batch: ActivityBatch) -> dict[int, int]:
        """Primary keys of everyone in the batch, writing only new or renamed people."""
        changed = [seen for uid, seen in batch.people.items()
                   if self._members.get(uid, (0, None, None))[1:]
                   != (seen.person.display_name, seen.person.username)]
        await activity.upsert_members(conn, changed)
        if changed:
            pks = await activity.member_ids(conn, [seen.person.user_id for seen in changed])
            for seen in changed:
                person = seen.person
                self._members[person.user_id] = (pks[person.user_id], person.display_name,
                                                 person.username)
        return {uid: self._members[uid][0] for uid in batch.people}

    async def pending(self, limit: int = 100) -> list[InboxItem]:
        """Inbox updates still owed a handler, oldest first."""
        async with self._reader.connect() as conn:
            return await inbox.pending_items(conn, limit)

    async def claim(self, worker_id: str, limit: int = 100) -> list[InboxItem]:
        """Take pending updates for this worker to handle (none another live worker holds)."""
        async with self._engine.begin() as conn:
            live = await coordination_rows.live_holders(conn, self._clock.now())
            return await inbox.claim_items(conn, worker_id, live, limit)

    async def claimable(self, worker_id: str, limit: int = 100) -> list[InboxItem]:
        """What `claim` would take, read only: a read-only database can still be looked at."""
        async with self._reader.connect() as conn:
            live = await coordination_rows.live_holders(conn, self._clock.now())
            return await inbox.takeable_items(conn, worker_id, live, limit)

    async def pending_count(self) -> int:
        """How many committed updates still wait for their handler (the inbox lag)."""
        async with self._reader.connect() as conn:
            return await inbox.pending_count(conn)

    async def finish(self, update_id: int, state: str, error: str | None = None) -> None:
        """Close an inbox update after its handler ran (payload erased when done)."""
        async with self._engine.begin() as conn:
            await inbox.finish_item(conn, update_id, state, error)
