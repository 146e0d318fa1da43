"""Telegram Desktop "Export chat history" (result.json), streamed: events, never message text.

Both shapes are read: a single chat `{name, type, id, messages}` and a full account export
`{chats: {list: [...]}, left_chats: {list: [...]}}`. ijson walks the file event by event, so
memory stays flat whatever its size; only the few fields groupbot needs are kept.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from typing import BinaryIO

import ijson

from groupbot.domain.events import ChatRef, MembershipChanged, MessageKind, MessageSeen, Person

SUPERGROUP_TYPES = frozenset({"public_supergroup", "private_supergroup"})
GROUP_TYPES = SUPERGROUP_TYPES | {"private_group"}
KEPT = frozenset({"id", "type", "date", "date_unixtime", "from", "from_id", "actor",
                  "actor_id", "action", "photo", "media_type", "title"})
CHAT_ITEMS = frozenset({"chats.list.item", "left_chats.list.item"})
SCALARS = frozenset({"string", "number", "boolean", "null"})
CHAT_FIELDS = {f"{base}{key}": attr for base in ("", "chats.list.item.", "left_chats.list.item.")
               for key, attr in (("id", "bare_id"), ("name", "name"), ("type", "type"))}
MESSAGE_PREFIXES = frozenset({"messages.item", "chats.list.item.messages.item",
                              "left_chats.list.item.messages.item"})
MESSAGE_FIELDS = {f"{base}.{key}": key for base in MESSAGE_PREFIXES for key in KEPT}
MEMBER_ITEMS = frozenset(f"{base}.members.item" for base in MESSAGE_PREFIXES)
JOINS = frozenset({"create_group", "invite_members"})


def bot_api_chat_id(bare_id: int, chat_type: str) -> int | None:
    """The Bot API id of an exported chat: supergroups are -100…, basic groups negative."""
    if chat_type in SUPERGROUP_TYPES:
        return int(f"-100{bare_id}")
    if chat_type == "private_group":
        return -bare_id
    return None  # personal chats, bots, channels: not work groups


@dataclass
class ExportChat:
    """The chat a message belongs to."""

    bare_id: int | None = None
    name: str = ""
    type: str = ""

    @property
    def chat_id(self) -> int | None:
        """The Bot API id, or None when the chat is not a group."""
        return None if self.bare_id is None else bot_api_chat_id(self.bare_id, self.type)


@dataclass
class _Message:
    fields: dict = field(default_factory=dict)
    members: list[str] = field(default_factory=list)


class ExportFileError(ValueError):
    """The file is not a readable Telegram Desktop export."""


def stream(fh: BinaryIO) -> Iterator[tuple[ExportChat, dict]]:
    """(chat, message fields) for every message of every chat, in file order."""
    try:
        yield from _stream(fh)
    except ijson.JSONError as exc:
        raise ExportFileError(f"not a complete Telegram Desktop export ({exc})".split("\n")[0]
                              ) from None


def _stream(fh: BinaryIO) -> Iterator[tuple[ExportChat, dict]]:
    # Hot loop: tens of millions of events, so every test is an exact dict or set lookup.
    chat = ExportChat()
    message: _Message | None = None
    for prefix, event, value in ijson.parse(fh):
        if message is not None:
            if event == "end_map" and prefix in MESSAGE_PREFIXES:
                yield chat, {**message.fields, "members": message.members}
                message = None
            elif (key := MESSAGE_FIELDS.get(prefix)) is not None and event in SCALARS:
                message.fields[key] = value
            elif event == "string" and prefix in MEMBER_ITEMS:
                message.members.append(value)
        elif event == "start_map" and prefix in MESSAGE_PREFIXES:
            message = _Message()
        elif event == "start_map" and prefix in CHAT_ITEMS:
            chat = ExportChat()  # a new chat of a full export begins
        elif (key := CHAT_FIELDS.get(prefix)) is not None and event in SCALARS:
            setattr(chat, key, int(value) if key == "bare_id" else str(value))


def when(message: dict, tz: tzinfo) -> datetime:
    """The message time: date_unixtime (a string) or, in older exports, local `date`."""
    unix = message.get("date_unixtime")
    if unix not in (None, ""):
        return datetime.fromtimestamp(int(unix), UTC)
    local = datetime.fromisoformat(str(message["date"]))
    return (local if local.tzinfo else local.replace(tzinfo=tz)).astimezone(UTC)


def user_id(ref: object) -> int | None:
    """'user123' → 123; channels and anything else → None."""
    text = str(ref or "")
    return int(text[4:]) if text.startswith("user") and text[4:].isdigit() else None


def chat_ref(chat: ExportChat) -> ChatRef:
    """The ChatRef of an exported group."""
    return ChatRef(chat.chat_id, chat.name, "supergroup" if chat.type in SUPERGROUP_TYPES
                   else "group")


def translate(ref: ChatRef, message: dict, tz: tzinfo, resolve: Callable[[str], int | None],
              people: dict[tuple, Person] | None = None) -> tuple[list, list[tuple]]:
    """Events of one exported message, and (name, status, at) changes still to resolve.

    `people` caches Person objects across messages: most senders write many times.
    """
    at = when(message, tz)
    if message.get("type") == "service":
        return _service(ref, at, message, resolve)
    sender = user_id(message.get("from_id"))
    if sender is None:
        return [MessageSeen(ref, at, MessageKind.CHANNEL)], []
    key = (sender, message.get("from"))
    person = people.get(key) if people is not None else None
    if person is None:
        person = Person(sender, str(message.get("from") or sender))
        if people is not None:
            people[key] = person
    photo = "photo" in message or message.get("media_type") == "photo"
    return [MessageSeen(ref, at, MessageKind.HUMAN, person, photo)], []


def _service(ref: ChatRef, at: datetime, message: dict,
             resolve: Callable[[str], int | None]) -> tuple[list, list[tuple]]:
    events: list = [MessageSeen(ref, at, MessageKind.SERVICE)]
    action = message.get("action")
    actor = user_id(message.get("actor_id"))
    if action == "join_group_by_link" and actor is not None:
        events.append(MembershipChanged(ref, at, Person(actor, str(message.get("actor"))),
                                        "member"))
    status = "member" if action in JOINS else "left" if action == "remove_members" else None
    pending = []
    if status:
        for name in message.get("members") or ():
            uid = resolve(name)
            if uid is not None:
                events.append(MembershipChanged(ref, at, Person(uid, name), status))
            else:
                pending.append((name, status, at))
    return events, pending
