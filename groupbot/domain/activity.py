"""Fold a batch of events into the counters and facts one database write applies."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, tzinfo

from groupbot.domain.events import (
    BotStatusChanged,
    ChatMigrated,
    ChatRef,
    Event,
    MembershipChanged,
    MessageKind,
    MessageSeen,
    Person,
)


@dataclass(frozen=True)
class WorkingHours:
    """Office hours: human messages outside them are the "白加黑、五加二" load."""

    start: time = time(8, 30)
    end: time = time(17, 30)
    workdays: frozenset[int] = frozenset({1, 2, 3, 4, 5})  # ISO weekdays, Monday = 1

    def outside(self, local: datetime) -> bool:
        """True on a rest day, or before start / from end on a workday."""
        return (local.isoweekday() not in self.workdays
                or not self.start <= local.time() < self.end)


OFFICE_HOURS = WorkingHours()


@dataclass(slots=True)
class DayCounts:
    """Messages in one group on one local day, by kind."""

    messages: int = 0
    bot_messages: int = 0
    service_messages: int = 0
    after_hours: int = 0  # human messages outside working hours
    photos: int = 0  # human messages that are photos ("晒图打卡")


@dataclass(slots=True)
class Presence:
    """What a batch tells about one person in one group."""

    messages: int = 0
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    status: str | None = None  # latest explicit status, None when only messages were seen
    status_at: datetime | None = None


@dataclass(slots=True)
class PersonSeen:
    """Latest identity of a person and the span they were seen in this batch."""

    person: Person
    first_seen: datetime
    last_seen: datetime


@dataclass
class ActivityBatch:
    """Everything one batch of events changes, keyed by canonical chat id."""

    chats: dict[int, ChatRef] = field(default_factory=dict)
    structural: list[Event] = field(default_factory=list)  # ordered: migrations, bot status
    group_days: dict[tuple[int, date], DayCounts] = field(default_factory=dict)
    member_days: dict[tuple[int, int, date], int] = field(default_factory=dict)
    people: dict[int, PersonSeen] = field(default_factory=dict)
    presence: dict[tuple[int, int], Presence] = field(default_factory=dict)
    last_active: dict[int, datetime] = field(default_factory=dict)


def summarise(events: Iterable[Event], tz: tzinfo,
              hours: WorkingHours = OFFICE_HOURS) -> ActivityBatch:
    """Aggregate events; counters of a migrated chat follow it to its new id."""
    events = list(events)
    renamed = _migrations(events)
    batch = ActivityBatch()
    for event in events:
        if isinstance(event, ChatMigrated):
            batch.structural.append(event)
            continue
        chat = _canonical(event.chat, renamed)
        batch.chats[chat.chat_id] = chat
        if isinstance(event, MessageSeen):
            _count_message(batch, chat.chat_id, event, tz, hours)
        elif isinstance(event, MembershipChanged):
            _note_status(batch, chat.chat_id, event)
        elif isinstance(event, BotStatusChanged):
            batch.structural.append(replace(event, chat=chat))
    return batch


def _migrations(events: list[Event]) -> dict[int, int]:
    renamed = {}
    for event in events:
        if isinstance(event, ChatMigrated):
            renamed[event.old_chat_id] = event.new_chat_id
    return renamed


def _canonical(chat: ChatRef, renamed: dict[int, int]) -> ChatRef:
    chat_id = chat.chat_id
    seen = set()
    while chat_id in renamed and chat_id not in seen:  # guard against a malformed cycle
        seen.add(chat_id)
        chat_id = renamed[chat_id]
    if chat_id == chat.chat_id:
        return chat
    return ChatRef(chat_id, chat.title, "supergroup")


def _count_message(batch: ActivityBatch, chat_id: int, event: MessageSeen, tz: tzinfo,
                   hours: WorkingHours) -> None:
    local = event.at.astimezone(tz)
    day = local.date()
    counts = batch.group_days.get((chat_id, day))
    if counts is None:
        counts = batch.group_days[(chat_id, day)] = DayCounts()
    if event.kind is MessageKind.SERVICE:
        counts.service_messages += 1
    elif event.kind.is_human:
        counts.messages += 1
        counts.after_hours += hours.outside(local)
        counts.photos += event.photo
        _later(batch.last_active, chat_id, event.at)
    else:
        counts.bot_messages += 1
    if event.kind is MessageKind.HUMAN and event.sender is not None:
        person = event.sender
        _see_person(batch, person, event.at)
        key = (chat_id, person.user_id, day)
        batch.member_days[key] = batch.member_days.get(key, 0) + 1
        presence = _presence(batch, chat_id, person.user_id)
        presence.messages += 1
        _span(presence, event.at)


def _note_status(batch: ActivityBatch, chat_id: int, event: MembershipChanged) -> None:
    _see_person(batch, event.person, event.at)
    presence = _presence(batch, chat_id, event.person.user_id)
    if presence.status_at is None or event.at >= presence.status_at:
        presence.status, presence.status_at = event.status, event.at


def _see_person(batch: ActivityBatch, person: Person, at: datetime) -> None:
    seen = batch.people.get(person.user_id)
    if seen is None:
        batch.people[person.user_id] = PersonSeen(person, at, at)
        return
    if at >= seen.last_seen:
        seen.person, seen.last_seen = person, at
    seen.first_seen = min(seen.first_seen, at)


def _presence(batch: ActivityBatch, chat_id: int, user_id: int) -> Presence:
    presence = batch.presence.get((chat_id, user_id))
    if presence is None:
        presence = batch.presence[(chat_id, user_id)] = Presence()
    return presence


def _span(presence: Presence, at: datetime) -> None:
    presence.first_seen = at if presence.first_seen is None else min(presence.first_seen, at)
    presence.last_seen = at if presence.last_seen is None else max(presence.last_seen, at)


def _later(latest: dict[int, datetime], key: int, at: datetime) -> None:
    current = latest.get(key)
    if current is None or at > current:
        latest[key] = at
