"""Raw Bot API update dicts -> domain events, plus the text-free copy kept for handlers.

Works on the JSON dicts directly: parsing every update into PTB objects would cost more than
everything else ingestion does, and only commands and bot-membership updates need handlers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

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

GROUP_ANONYMOUS_BOT_ID = 1087968824  # admins posting "as the group"
TELEGRAM_SERVICE_ID = 777000  # linked-channel posts forwarded into the discussion group
GROUP_TYPES = frozenset({"group", "supergroup"})
CONTENT_KEYS = frozenset({
    "text", "photo", "video", "document", "audio", "voice", "video_note", "sticker", "animation",
    "contact", "location", "venue", "poll", "dice", "game", "story", "paid_media", "invoice",
})
# Only these message fields survive into the inbox; text only when it is a command.
KEPT_MESSAGE_KEYS = ("message_id", "date", "chat", "from", "sender_chat", "message_thread_id",
                     "is_topic_message", "text", "entities")
ALLOWED_UPDATES = ["message", "my_chat_member", "chat_member", "callback_query"]
ADMIN_STATUSES = frozenset({"creator", "administrator"})


@dataclass
class Translated:
    """What one update means: events to count and, maybe, a payload for a handler."""

    kind: str
    events: list[Event] = field(default_factory=list)
    handler_payload: dict | None = None


def translate(update: dict, bot_id: int) -> Translated:
    """Turn one update into events; raises KeyError/TypeError/ValueError when malformed."""
    if "message" in update:
        return _message(update, update["message"])
    if "my_chat_member" in update:
        return _bot_member(update, update["my_chat_member"])
    if "chat_member" in update:
        return _chat_member(update, update["chat_member"], bot_id)
    if "callback_query" in update:
        return Translated("callback_query", handler_payload=_callback_payload(update))
    kind = next((k for k in update if k != "update_id"), "empty")
    return Translated(kind)


def person(user: dict) -> Person:
    """A Person from a Bot API User dict (display name only)."""
    name = " ".join(p for p in (user.get("first_name"), user.get("last_name")) if p)
    return Person(int(user["id"]), name or str(user["id"]), user.get("username"),
                  bool(user.get("is_bot", False)))


def chat_ref(chat: dict) -> ChatRef:
    """A ChatRef from a Bot API Chat dict."""
    return ChatRef(int(chat["id"]), chat.get("title"), chat["type"])


def _when(unix: int | float) -> datetime:
    return datetime.fromtimestamp(int(unix), UTC)


def is_command(message: dict) -> bool:
    """True when the message starts with a bot command."""
    text = message.get("text")
    return isinstance(text, str) and text.startswith("/")


def _message(update: dict, message: dict) -> Translated:
    chat = message["chat"]
    payload = _message_payload(update, message) if is_command(message) else None
    if chat["type"] not in GROUP_TYPES:
        return Translated("private_message", handler_payload=payload)
    ref, at = chat_ref(chat), _when(message["date"])
    events: list[Event] = [MessageSeen(ref, at, _kind(message), _sender(message),
                                       "photo" in message)]
    events.extend(_service_events(ref, at, message))
    return Translated("message", events, payload)


def _kind(message: dict) -> MessageKind:
    sender = message.get("from") or {}
    if not CONTENT_KEYS.intersection(message):
        return MessageKind.SERVICE
    if message.get("is_automatic_forward") or sender.get("id") == TELEGRAM_SERVICE_ID:
        return MessageKind.CHANNEL
    sender_chat = message.get("sender_chat")
    if sender_chat is not None:
        same_group = sender_chat.get("id") == message["chat"]["id"]
        return MessageKind.ANONYMOUS_ADMIN if same_group else MessageKind.CHANNEL
    if not sender or sender.get("is_bot"):
        return MessageKind.BOT
    return MessageKind.HUMAN


def _sender(message: dict) -> Person | None:
    sender = message.get("from")
    if not sender or sender.get("id") in (GROUP_ANONYMOUS_BOT_ID, TELEGRAM_SERVICE_ID):
        return None
    return person(sender)


def _service_events(ref: ChatRef, at: datetime, message: dict) -> list[Event]:
    events: list[Event] = []
    for user in message.get("new_chat_members") or ():
        if not user.get("is_bot"):
            events.append(MembershipChanged(ref, at, person(user), "member"))
    left = message.get("left_chat_member")
    if left and not left.get("is_bot"):
        events.append(MembershipChanged(ref, at, person(left), "left"))
    if "migrate_to_chat_id" in message:
        events.append(ChatMigrated(ref.chat_id, int(message["migrate_to_chat_id"]), at))
    if "migrate_from_chat_id" in message:
        events.append(ChatMigrated(int(message["migrate_from_chat_id"]), ref.chat_id, at))
    return events


def _bot_member(update: dict, change: dict) -> Translated:
    chat = change["chat"]
    if chat["type"] not in GROUP_TYPES:
        return Translated("my_chat_member")
    actor = person(change["from"]) if change.get("from") else None
    status = change["new_chat_member"]["status"]
    event = BotStatusChanged(chat_ref(chat), _when(change["date"]), status, actor)
    return Translated("my_chat_member", [event], update)


def _chat_member(update: dict, change: dict, bot_id: int) -> Translated:
    chat = change["chat"]
    user = change["new_chat_member"]["user"]
    if chat["type"] not in GROUP_TYPES or user.get("is_bot") or user["id"] == bot_id:
        return Translated("chat_member")
    status = change["new_chat_member"]["status"]
    if status == "restricted" and not change["new_chat_member"].get("is_member", True):
        status = "left"
    event = MembershipChanged(chat_ref(chat), _when(change["date"]), person(user), status)
    was_admin = change["old_chat_member"]["status"] in ADMIN_STATUSES
    # A promotion or demotion must reach the permission cache before that person acts again.
    payload = update if was_admin != (status in ADMIN_STATUSES) else None
    return Translated("chat_member", [event], payload)


def _message_payload(update: dict, message: dict) -> dict:
    kept = {k: message[k] for k in KEPT_MESSAGE_KEYS if k in message}
    return {"update_id": update["update_id"], "message": kept}


def _callback_payload(update: dict) -> dict:
    query = dict(update["callback_query"])
    original = query.get("message")
    if original:
        # The button's message is the bot's own; keep only what locates it.
        query["message"] = {k: original[k] for k in ("message_id", "date", "chat") if k in original}
    return {"update_id": update["update_id"], "callback_query": query}
