"""Use case: bootstrap groups, members and activity from a Telegram Desktop export.

Exactly once, across failures: each chat remembers the highest message id imported, and that
mark commits in the same transaction as the batch of activity it covers. An import killed or
broken off at any moment and run again counts every message once. Never double-counted with
live data either: only messages from before groupbot first saw the group live are imported.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from groupbot.clock import Clock
from groupbot.domain import validation
from groupbot.domain.activity import OFFICE_HOURS, WorkingHours
from groupbot.domain.clock import as_utc
from groupbot.domain.events import MembershipChanged, Person
from groupbot.domain.textnorm import member_key
from groupbot.importers.telegram_export import (
    ExportFileError,
    ExportMessage,
    Names,
    RawChat,
    RawMessage,
    chat_ref,
    check_message,
    membership,
    translate,
)
from groupbot.services.ingest import IngestService
from groupbot.storage import bot_state, census_rows
from groupbot.storage.group_rows import audit, find_group

ACTOR = "export"
OFFLINE_ACTORS = (ACTOR, "census")
BATCH = 20_000  # events per transaction: big enough to amortise, small enough to stay flat
PROBLEMS_KEPT = 100  # refused messages reported one by one; the rest are only counted
OPEN = "open"  # a mark whose chat is not finished: names of its service messages are pending


@dataclass
class ExportReport:
    """What an export import did."""

    chats: int = 0
    messages: int = 0
    already_imported: int = 0
    seen_live: int = 0
    names_unresolved: int = 0
    skipped: int = 0  # messages not imported: refused, or in a refused chat
    unlisted: int = 0  # refusals beyond those kept in `problems`
    problems: list[tuple[str, str | None, str]] = field(default_factory=list)
    last: tuple[int, int] | None = None  # (chat id, message id) of the last batch committed

    def refuse(self, chat: str, message: str | None, reason: str, count: int = 1) -> None:
        """Note a message (or, with message None, a chat) that was not imported, and why."""
        self.skipped += count
        if len(self.problems) < PROBLEMS_KEPT:
            self.problems.append((chat, message, reason))
        else:
            self.unlisted += 1


class ExportStopped(ValueError):
    """The file broke off; everything before `report.last` is imported, exactly once."""

    def __init__(self, reason: str, report: ExportReport):
        super().__init__(reason)
        self.reason, self.report = reason, report


class ExportImportService:
    """Streams an export into the inventory in batches."""

    def __init__(self, engine: AsyncEngine, clock: Clock, hours: WorkingHours = OFFICE_HOURS):
        self._engine = engine
        self._tz = clock.tz
        self._ingest = IngestService(engine, clock, hours)

    async def import_messages(self, messages: Iterable[tuple[RawChat, RawMessage]],
                              progress: Callable[[int], None] = lambda n: None) -> ExportReport:
        """Import (chat, message) pairs as a stream; memory stays bounded by one batch.

        Raises ExportStopped when the file breaks off; the messages read whole before the
        break are committed first.
        """
        run = _Run(self, ExportReport())
        current: _ChatImport | _Skipped | None = None
        try:
            for chat, raw in messages:
                progress(1)
                if current is None or current.raw is not chat:
                    if current is not None:
                        await current.finish()
                    current = await run.begin(chat)
                await current.add(raw)
        except ExportFileError as exc:
            if current is not None:
                await current.flush()
            raise ExportStopped(str(exc), run.report) from None
        if current is not None:
            await current.finish()
        return run.report


@dataclass
class _Run:
    """What one import shares across chats: senders' names → ids, cleaned names, the report."""

    service: ExportImportService
    report: ExportReport
    people: dict[str, int] = field(default_factory=dict)
    names: Names = field(default_factory=Names)

    async def begin(self, chat: RawChat) -> _ChatImport | _Skipped:
        try:
            ref = chat_ref(chat)
        except validation.InvalidValue as exc:
            self.report.refuse(validation.visible(str(chat.id))[:40], None, str(exc), 0)
            return _Skipped(chat, self.report)
        if ref is None:
            return _Skipped(chat, None)  # a personal chat, bot or channel: quietly not a group
        self.report.chats += 1
        return await _ChatImport.begin(self, chat, ref)

    def note(self, message: ExportMessage) -> None:
        """Remember a sender's name, to resolve names in service messages."""
        if message.sender is not None:
            self.people.setdefault(member_key(message.sender.display_name),
                                   message.sender.user_id)

    def resolve(self, name: str) -> int | None:
        return self.people.get(member_key(name))


class _Skipped:
    """A chat that is not imported; its messages count as skipped when it was refused."""

    def __init__(self, raw: RawChat, report: ExportReport | None):
        self.raw, self._report = raw, report

    async def add(self, raw: RawMessage) -> None:
        if self._report is not None:
            self._report.skipped += 1

    async def flush(self) -> None:
        """Nothing to write."""

    async def finish(self) -> None:
        """Nothing to write."""


class _ChatImport:
    """One chat's import: its limits, its pending events, its high-water mark."""

    def __init__(self, run: _Run, raw: RawChat, ref, mark: tuple[int, bool],
                 live_since: datetime | None):
        self.run, self.raw, self.ref, self.live_since = run, raw, ref, live_since
        self.mark, self.open = mark  # committed earlier; open: that run stopped in this chat
        self.top = self.committed = self.mark
        self.previous = 0  # ids increase through a chat, which is what makes the mark exact
        self.position = 0
        self.events: list = []
        self.pending: list[tuple] = []

    @classmethod
    async def begin(cls, run: _Run, raw: RawChat, ref) -> _ChatImport:
        async with run.service._engine.connect() as conn:
            stored = await bot_state.get(conn, _mark_key(ref.chat_id))
            key = await find_group(conn, ref.chat_id)
            live = None
            if key is not None:
                live = (await conn.execute(select(func.min(audit.c.at)).where(
                    audit.c.group_id == key.pk, audit.c.actor.notin_(OFFLINE_ACTORS)))).scalar()
        return cls(run, raw, ref, _parse_mark(stored), as_utc(live))

    async def add(self, raw: RawMessage) -> None:
        self.position += 1
        run, report = self.run, self.run.report
        try:
            message = check_message(raw, run.service._tz, run.names)
            if message.id <= self.previous:
                raise validation.InvalidValue(f"id {message.id} is not above the previous "
                                              f"message's ({self.previous})")
        except validation.InvalidValue as exc:
            report.refuse(str(self.ref.chat_id), _where(raw, self.position), str(exc))
            return
        self.previous = message.id
        run.note(message)
        if message.id <= self.mark:
            report.already_imported += 1
            if self.open:  # its batch is in; names it left pending are not
                membership(self.ref, message, run.resolve, self.pending)
            return
        if self.live_since is not None and message.at >= self.live_since:
            report.seen_live += 1
            return
        events, pending = translate(self.ref, message, run.resolve)
        self.events += events
        self.pending += pending
        self.top = message.id
        report.messages += 1
        if len(self.events) >= BATCH:
            await self.flush()

    async def flush(self) -> None:
        """Commit the events read so far with the mark that covers them."""
        if self.top == self.committed:
            return
        top = self.top

        async def mark(conn) -> None:
            await bot_state.put(conn, _mark_key(self.ref.chat_id), f"{top} {OPEN}")

        await self.run.service._ingest.record(self.events, ACTOR, also=mark)
        self.events, self.committed = [], top
        self.run.report.last = (self.ref.chat_id, top)

    async def finish(self) -> None:
        """Resolve service-message names, write what is left, close the chat's mark."""
        if self.top == self.mark and not self.open:
            return  # nothing new in this chat
        unresolved = self._resolve()
        self.run.report.names_unresolved += len(unresolved)
        top, chat_id = self.top, self.ref.chat_id

        async def close(conn) -> None:
            key = await find_group(conn, chat_id)
            if key is not None and unresolved:
                await _name_members(conn, key.pk, unresolved)
            await bot_state.put(conn, _mark_key(chat_id), str(top))

        await self.run.service._ingest.record(self.events, ACTOR, also=close)
        self.events, self.committed = [], top
        if top > self.mark:
            self.run.report.last = (chat_id, top)

    def _resolve(self) -> list[tuple[str, str]]:
        """Names from service messages, matched to senders seen anywhere in the export."""
        unresolved = []
        for name, status, at in self.pending:
            uid = self.run.resolve(name)
            if uid is None:
                unresolved.append((name, status))
            else:
                self.events.append(MembershipChanged(self.ref, at, Person(uid, name), status))
        return unresolved


async def _name_members(conn, group_pk: int, changes: list[tuple[str, str]]) -> None:
    """People known only by name in service messages become name-keyed members."""
    # One name per key, the first in the file: names that normalise alike are one person.
    first = {}
    for name, _ in changes:
        first.setdefault(member_key(name), name)
    people = await census_rows.people_by_name(
        conn, [("telegram", key, name) for key, name in first.items()])
    joined = [(group_pk, people["telegram", member_key(n)])
              for n, status in changes if status == "member"]
    left = [(group_pk, people["telegram", member_key(n)])
            for n, status in changes if status == "left"]
    await census_rows.set_presence(conn, joined, left)


def _parse_mark(stored: str | None) -> tuple[int, bool]:
    """(highest id imported, whether that run stopped inside the chat)."""
    if not stored:
        return 0, False
    top, *state = stored.split()
    return int(top), state == [OPEN]


def _where(raw: RawMessage, position: int) -> str:
    """How a refused message is named: its id, or its place in the chat when it has none."""
    given = raw.fields.get("id") if raw.fields is not None else None
    return str(given) if type(given) is int and abs(given) < 10**12 else f"#{position}"


def _mark_key(chat_id: int) -> str:
    return f"export.{chat_id}"
