"""Telegram Desktop "Export chat history" (result.json): checked messages and their events.

Both shapes are read: a single chat `{name, type, id, messages}` and a full account export
`{chats: {list: [...]}, left_chats: {list: [...]}}` (see export_json for the bounded walk).
Every value passes domain.validation before it becomes an event; a message that fails is
refused with the reason, never half-read. Message text is never read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import BinaryIO

from groupbot.domain import validation as v
from groupbot.domain.events import ChatRef, MembershipChanged, MessageKind, MessageSeen, Person
from groupbot.importers.export_json import ExportFileError, RawChat, RawMessage, walk

__all__ = ["ExportFileError", "ExportMessage", "Names", "RawChat", "RawMessage", "chat_ref",
           "check_message", "stream", "translate"]

SUPERGROUP_TYPES = frozenset({"public_supergroup", "private_supergroup"})
GROUP_TYPES = SUPERGROUP_TYPES | {"private_group"}
JOINS = frozenset({"create_group", "invite_members"})
NAMES_CACHED = 50_000


def stream(fh: BinaryIO) -> Iterator[tuple[RawChat, RawMessage]]:
    """(chat, message) for every message of every chat, in file order; bounded memory."""
    return walk(fh)


def bot_api_chat_id(bare_id: int, chat_type: str) -> int | None:
    """The Bot API id of an exported chat: supergroups are -100…, basic groups negative."""
    if chat_type in SUPERGROUP_TYPES:
        return int(f"-100{bare_id}")
    if chat_type == "private_group":
        return -bare_id
    return None  # personal chats, bots, channels: not work groups


def chat_ref(chat: RawChat) -> ChatRef | None:
    """The group an exported chat is, None when it is no group; InvalidValue when unusable."""
    if chat.type is None:  # the walk cannot go back: id and type must precede messages
        raise v.InvalidValue("no chat type before its messages")
    if chat.type not in GROUP_TYPES:
        return None
    if chat.id is None:
        raise v.InvalidValue("no chat id before its messages")
    if type(chat.id) is not int or chat.id <= 0:
        raise v.InvalidValue(f"chat id {v.shown(str(chat.id))} is not a positive number")
    chat_id = int(v.telegram_chat_id(str(bot_api_chat_id(chat.id, chat.type))))
    if chat.name is not None and not isinstance(chat.name, str):
        raise v.InvalidValue("chat name is not text")
    title = v.clean_text(chat.name, v.TITLE_MAX, "chat title")
    return ChatRef(chat_id, title, "supergroup" if chat.type in SUPERGROUP_TYPES else "group")


class Names:
    """People and names checked once each (most people write many times); a bounded cache."""

    def __init__(self):
        self._seen: dict[tuple, Person | str | v.InvalidValue | None] = {}

    def person(self, ref: object, name: object, what: str, role: str) -> Person | None:
        """The user a `from_id`/`actor_id` names ('user123'); None for channels and the like."""
        return self._cached((ref, name, what, role), _person, ref, name, self, what, role)

    def clean(self, value: object, what: str) -> str:
        """The cleaned name; InvalidValue when it is not text or too long."""
        return self._cached((value, what), _clean, value, what)

    def _cached(self, key: tuple, check: Callable, *args):
        try:
            found = self._seen.get(key, self)
        except TypeError:  # an unhashable value cannot be a name
            found = self
        if found is self:
            try:
                found = check(*args)
            except v.InvalidValue as exc:
                found = exc
            if len(self._seen) >= NAMES_CACHED:
                self._seen.clear()
            self._seen[key] = found
        if isinstance(found, v.InvalidValue):
            raise found
        return found


def _clean(value: object, what: str) -> str:
    if value is not None and not isinstance(value, str):
        raise v.InvalidValue(f"{what} is not text")
    return v.clean_text(value, v.NAME_MAX, what)


@dataclass(frozen=True, slots=True)
class ExportMessage:
    """One exported message, checked: only what groupbot keeps."""

    id: int
    at: datetime
    kind: MessageKind
    sender: Person | None = None  # the person who wrote it (human messages only)
    photo: bool = False
    action: str | None = None  # service messages: what happened, by whom, to whom
    actor: Person | None = None
    members: tuple[str, ...] = ()


def check_message(raw: RawMessage, tz: tzinfo, names: Names) -> ExportMessage:
    """The checked message; InvalidValue (with the reason) when it cannot be imported."""
    if raw.fields is None:
        raise v.InvalidValue("not an object")
    fields = raw.fields
    message_id = v.message_id(fields.get("id"))
    at = when(fields, tz)
    if fields.get("type") == "service":
        return _service(message_id, at, raw, names)
    sender = names.person(fields.get("from_id"), fields.get("from"), "from_id", "sender")
    if sender is None:
        return ExportMessage(message_id, at, MessageKind.CHANNEL)
    photo = "photo" in fields or fields.get("media_type") == "photo"
    return ExportMessage(message_id, at, MessageKind.HUMAN, sender, photo)


def when(fields: dict, tz: tzinfo) -> datetime:
    """The message time: date_unixtime (a string) or, in older exports, local `date`."""
    unix = fields.get("date_unixtime")
    if unix not in (None, ""):
        return v.unix_time(unix, "date_unixtime")
    local = fields.get("date")
    if local in (None, ""):
        raise v.InvalidValue("no date")
    if not isinstance(local, str):
        raise v.InvalidValue("date is not text")
    try:
        parsed = datetime.fromisoformat(local)
    except ValueError:
        raise v.InvalidValue(f"date {v.shown(local)} is not a date") from None
    aware = parsed if parsed.tzinfo else parsed.replace(tzinfo=tz)
    try:
        return v.moment(aware.astimezone(UTC), "date")
    except OverflowError:
        raise v.InvalidValue(f"date {v.shown(local)} is out of range") from None


def _service(message_id: int, at: datetime, raw: RawMessage, names: Names) -> ExportMessage:
    fields = raw.fields or {}
    if raw.too_many_members:
        raise v.InvalidValue(f"more than {v.MEMBERS_PER_MESSAGE_MAX} members")
    action = fields.get("action") if isinstance(fields.get("action"), str) else None
    actor = names.person(fields.get("actor_id"), fields.get("actor"), "actor_id", "actor")
    members = tuple(m for m in (names.clean(n, "member name") for n in raw.members) if m)
    return ExportMessage(message_id, at, MessageKind.SERVICE, action=action, actor=actor,
                         members=members)


def _person(ref: object, name: object, names: Names, what: str, role: str) -> Person | None:
    if ref is None:
        return None
    if not isinstance(ref, str):
        raise v.InvalidValue(f"{what} is not text")
    if not ref.startswith("user"):
        return None  # "channel…", "chat…": posts as a channel, not a person
    digits = ref[4:]
    if not (digits.isascii() and digits.isdigit() and len(digits) <= 20):
        raise v.InvalidValue(f"{what} {v.shown(ref)} is not a user id")
    uid = v.user_id(int(digits))
    return Person(uid, names.clean(name, f"{role} name") or str(uid))


def translate(ref: ChatRef, message: ExportMessage,
              resolve: Callable[[str], int | None]) -> tuple[list, list[tuple]]:
    """Events of one checked message, and (name, status, at) changes still to resolve."""
    seen = MessageSeen(ref, message.at, message.kind, message.sender, message.photo)
    if message.kind is not MessageKind.SERVICE:
        return [seen], []
    pending: list[tuple] = []
    return [seen, *membership(ref, message, resolve, pending)], pending


def membership(ref: ChatRef, message: ExportMessage, resolve: Callable[[str], int | None],
               pending: list[tuple]) -> list:
    """Membership changes a service message states; names not yet known go to `pending`."""
    at, action = message.at, message.action
    events: list = []
    if action == "join_group_by_link" and message.actor is not None:
        events.append(MembershipChanged(ref, at, message.actor, "member"))
    status = "member" if action in JOINS else "left" if action == "remove_members" else None
    if status:
        for name in message.members:
            uid = resolve(name)
            if uid is not None:
                events.append(MembershipChanged(ref, at, Person(uid, name), status))
            else:
                pending.append((name, status, at))
    return events
