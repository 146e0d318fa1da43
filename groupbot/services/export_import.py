"""Use case: bootstrap groups, members and activity from a Telegram Desktop export.

Idempotent: each chat remembers the highest message id imported. Never double-counted with
live data: only messages from before groupbot first saw the group live are imported.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from groupbot.clock import Clock
from groupbot.domain.activity import OFFICE_HOURS, WorkingHours
from groupbot.domain.clock import as_utc
from groupbot.domain.events import MembershipChanged, Person
from groupbot.domain.textnorm import member_key
from groupbot.importers.telegram_export import ExportChat, chat_ref, translate, user_id, when
from groupbot.services.ingest import IngestService
from groupbot.storage import bot_state, census_rows
from groupbot.storage.group_rows import audit, find_group

ACTOR = "export"
OFFLINE_ACTORS = (ACTOR, "census")
BATCH = 20_000  # events per transaction: big enough to amortise, small enough to stay flat


@dataclass
class ExportReport:
    """What an export import did."""

    chats: int = 0
    messages: int = 0
    already_imported: int = 0
    seen_live: int = 0
    names_unresolved: int = 0


class ExportImportService:
    """Streams an export into the inventory in batches."""

    def __init__(self, engine: AsyncEngine, clock: Clock, hours: WorkingHours = OFFICE_HOURS):
        self._engine = engine
        self._clock = clock
        self._tz = clock.tz
        self._ingest = IngestService(engine, clock, hours)

    async def import_messages(self, messages: Iterable[tuple[ExportChat, dict]],
                              progress: Callable[[int], None] = lambda n: None) -> ExportReport:
        """Import (chat, message) pairs as a stream; memory stays bounded by one batch."""
        report, people = ExportReport(), {}
        current: _ChatImport | None = None
        for chat, message in messages:
            progress(1)
            if chat.chat_id is None:
                continue
            if current is None or current.chat_id != chat.chat_id:
                if current is not None:
                    await current.finish(people, report)
                current = await _ChatImport.begin(self, chat)
                report.chats += 1
            await current.add(message, people, report)
        if current is not None:
            await current.finish(people, report)
        return report


class _ChatImport:
    """One chat's import: its limits, its pending events, its high-water mark."""

    def __init__(self, service: ExportImportService, chat: ExportChat, mark: int,
                 live_since: datetime | None):
        self.service, self.chat, self.chat_id = service, chat, chat.chat_id
        self.mark, self.live_since, self.top = mark, live_since, mark
        self.events: list = []
        self.pending: list[tuple] = []
        self.ref = chat_ref(chat)
        self.persons: dict[tuple, Person] = {}
        self.persons_by_name: set[str] = set()

    @classmethod
    async def begin(cls, service: ExportImportService, chat: ExportChat) -> _ChatImport:
        async with service._engine.connect() as conn:
            raw = await bot_state.get(conn, _mark_key(chat.chat_id))
            key = await find_group(conn, chat.chat_id)
            live = None
            if key is not None:
                live = (await conn.execute(select(func.min(audit.c.at)).where(
                    audit.c.group_id == key.pk, audit.c.actor.notin_(OFFLINE_ACTORS)))).scalar()
        return cls(service, chat, int(raw) if raw else 0, as_utc(live))

    async def add(self, message: dict, people: dict[str, int], report: ExportReport) -> None:
        message_id = int(message.get("id") or 0)
        if message_id <= self.mark:
            report.already_imported += 1
            return
        if self.live_since is not None and when(message, self.service._tz) >= self.live_since:
            report.seen_live += 1
            return
        name = message.get("from")
        if name and name not in self.persons_by_name:
            sender = user_id(message.get("from_id"))
            if sender is not None:
                people[member_key(str(name))] = sender
                self.persons_by_name.add(name)
        events, pending = translate(self.ref, message, self.service._tz,
                                    lambda n: people.get(member_key(n)), self.persons)
        self.events += events
        self.pending += pending
        self.top = max(self.top, message_id)
        report.messages += 1
        if len(self.events) >= BATCH:
            await self.flush()

    async def flush(self) -> None:
        if self.events:
            await self.service._ingest.record(self.events, ACTOR)
            self.events = []

    async def finish(self, people: dict[str, int], report: ExportReport) -> None:
        """Resolve service-message names, write what is left, remember how far we got."""
        unresolved = await self._resolve(people)
        report.names_unresolved += len(unresolved)
        await self.flush()
        async with self.service._engine.begin() as conn:
            key = await find_group(conn, self.chat_id)
            if key is not None and unresolved:
                await _name_members(conn, key.pk, unresolved)
            await bot_state.put(conn, _mark_key(self.chat_id), str(self.top))

    async def _resolve(self, people: dict[str, int]) -> list[tuple[str, str]]:
        """Names from service messages, matched to senders seen anywhere in the export."""
        ref = self.ref
        unresolved = []
        for name, status, at in self.pending:
            uid = people.get(member_key(name))
            if uid is None:
                unresolved.append((name, status))
            else:
                self.events.append(MembershipChanged(ref, at, Person(uid, name), status))
        return unresolved


async def _name_members(conn, group_pk: int, changes: list[tuple[str, str]]) -> None:
    """People known only by name in service messages become name-keyed members."""
    names = {("telegram", member_key(n), n) for n, _ in changes}
    people = await census_rows.ensure_people(conn, set(), names)
    joined = [(group_pk, people[("name", "telegram", member_key(n))])
              for n, status in changes if status == "member"]
    left = [(group_pk, people[("name", "telegram", member_key(n))])
            for n, status in changes if status == "left"]
    await census_rows.set_presence(conn, joined, left)


def _mark_key(chat_id: int) -> str:
    return f"export.{chat_id}"
