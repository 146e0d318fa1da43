"""The JSON of a Telegram Desktop export, walked with bounded memory whatever the file holds.

ijson's `parse` builds a dotted path for every event, so a file nested n deep costs n² memory
and time. The walker below reads ijson's plain events instead and keeps a small stack of the
few containers it needs (chats, messages, members); everything else is skipped by counting
depth, which may not exceed JSON_DEPTH_MAX. A guard on the bytes refuses a single text or
number longer than JSON_TOKEN_MAX, which the parser would otherwise hold whole in memory.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

import ijson

from groupbot.domain.validation import JSON_DEPTH_MAX, JSON_TOKEN_MAX, MEMBERS_PER_MESSAGE_MAX

BOM = b"\xef\xbb\xbf"
# Outside strings, or one whole string: stops at the opening quote of a string left open.
WHOLE = re.compile(rb'(?:[^"]++|"(?:[^"\\]++|\\.)*+")*+', re.DOTALL)
STRING_REST = re.compile(rb'(?:[^"\\]++|\\.)*+', re.DOTALL)
STRUCTURE = tuple(bytes([c]) for c in b'",:[]{}')
KEPT = frozenset({"id", "type", "date", "date_unixtime", "from", "from_id", "actor",
                  "actor_id", "action", "photo", "media_type"})
CHAT_KEYS = frozenset({"id", "name", "type"})
SECTIONS = frozenset({"chats", "left_chats"})
OPEN = frozenset({"start_map", "start_array"})
CLOSE = frozenset({"end_map", "end_array"})
SCALARS = frozenset({"string", "number", "boolean", "null"})
# Where the shape is fixed: any other value there (but null) means this is not an export.
ROOT_SHAPE = {"messages": "a list", "chats": "an object", "left_chats": "an object"}
SECTION_SHAPE = {"list": "a list"}
CHAT_SHAPE = {"messages": "a list"}


class ExportFileError(ValueError):
    """The file is not a readable Telegram Desktop export."""


@dataclass
class RawChat:
    """A chat's fields as the file has them (checked later, by the importer)."""

    id: object = None
    name: object = None
    type: object = None


@dataclass
class RawMessage:
    """The few fields of one message groupbot reads; None `fields` when it is not an object."""

    fields: dict | None
    members: list = field(default_factory=list)
    too_many_members: bool = False


class BoundedReader:
    """A binary file as ijson reads it, refusing a single value longer than `limit` bytes."""

    def __init__(self, fh: BinaryIO, limit: int = JSON_TOKEN_MAX):
        self._fh, self._limit = fh, limit
        self._first = True
        self._open: int | None = None  # bytes of the string still open, None outside one
        self._escaped = False
        self._quiet = 0  # bytes since the last quote or structural character

    def read(self, size: int = -1) -> bytes:
        """The next bytes of the file, checked."""
        data = self._fh.read(size)
        if self._first:
            self._first = False
            data = data.removeprefix(BOM)
        if data:
            self._check(data)
        return data

    def _check(self, data: bytes) -> None:
        start = 0
        if self._open is not None:
            start = self._close(data)
            if start is None:
                return
        end = WHOLE.match(data, start).end()
        if end < len(data):  # a string opens here and runs past this chunk
            rest = STRING_REST.match(data, end + 1).end()
            self._escaped = rest < len(data)  # stopped by a trailing lone backslash
            self._grow(len(data) - end)
        elif any(mark in data for mark in STRUCTURE):
            self._quiet = 0
        else:
            self._quiet += len(data)
            if self._quiet > self._limit:
                raise ExportFileError(f"a value longer than {self._limit:,} bytes")

    def _close(self, data: bytes) -> int | None:
        """Where the open string ends in `data`, or None when it goes on."""
        skip = 1 if self._escaped else 0
        end = STRING_REST.match(data, min(skip, len(data))).end()
        if end < len(data) and data[end] == ord('"'):
            self._open, self._escaped, self._quiet = None, False, 0
            return end + 1
        self._escaped = end < len(data)
        self._grow(len(data))
        return None

    def _grow(self, more: int) -> None:
        self._open = (self._open or 0) + more
        if self._open > self._limit:
            raise ExportFileError(f"a text longer than {self._limit:,} bytes")


def walk(fh: BinaryIO) -> Iterator[tuple[RawChat, RawMessage]]:
    """(chat, message) for every message of every chat, in file order."""
    try:
        yield from _walk(iter(ijson.basic_parse(BoundedReader(fh))))
    except ijson.JSONError as exc:
        raise ExportFileError(f"not a complete JSON file ({_first_line(exc)})") from None
    except (ValueError, SystemError) as exc:
        if isinstance(exc, ExportFileError):
            raise
        # A number too long for Python's int conversion, or bytes that are not text.
        raise ExportFileError(f"unreadable value ({_first_line(exc)})") from None


# Each function below reads one kind of container, from just after its start event to its
# end event, over one shared iterator: hot loops stay small, and the nesting they descend is
# fixed. Everything else is skipped by counting depth.

def _walk(events: Iterator) -> Iterator[tuple[RawChat, RawMessage]]:
    first = next(events, ("", None))[0]
    if first != "start_map":
        raise ExportFileError("not a JSON object: not a Telegram Desktop export")
    chat, found, key = RawChat(), False, None
    for event, value in events:
        if event == "map_key":
            key = value
        elif event == "end_map":
            break
        elif key in SECTIONS and event == "start_map":
            found = True
            yield from _section(events)
        elif key == "messages" and event == "start_array":
            found = True
            yield from _messages(events, chat, 2)
        else:
            _value(events, event, value, key, ROOT_SHAPE, chat, 1)
    for _ in events:
        pass  # nothing may follow the export but blanks: the parser checks
    if not found:
        raise ExportFileError("no chats or messages in it: not a Telegram Desktop export")


def _section(events: Iterator) -> Iterator[tuple[RawChat, RawMessage]]:
    key = None
    for event, value in events:
        if event == "map_key":
            key = value
        elif event == "end_map":
            return
        elif key == "list" and event == "start_array":
            yield from _chats(events)
        else:
            _value(events, event, value, key, SECTION_SHAPE, None, 2)


def _chats(events: Iterator) -> Iterator[tuple[RawChat, RawMessage]]:
    for event, _ in events:
        if event == "end_array":
            return
        if event == "start_map":
            yield from _chat(events, RawChat())
        elif event in OPEN:
            _skip(events, 3)


def _chat(events: Iterator, chat: RawChat) -> Iterator[tuple[RawChat, RawMessage]]:
    key = None
    for event, value in events:
        if event == "map_key":
            key = value
        elif event == "end_map":
            return
        elif key == "messages" and event == "start_array":
            yield from _messages(events, chat, 5)
        else:
            _value(events, event, value, key, CHAT_SHAPE, chat, 4)


def _messages(events: Iterator, chat: RawChat,
              depth: int) -> Iterator[tuple[RawChat, RawMessage]]:
    for event, _ in events:
        if event == "start_map":
            yield chat, _message(events, depth + 1)
        elif event == "end_array":
            return
        else:  # a list or a plain value where a message should be
            if event in OPEN:
                _skip(events, depth + 1)
            yield chat, RawMessage(None)


def _message(events: Iterator, depth: int) -> RawMessage:
    message, fields, key = RawMessage({}), {}, None
    message.fields = fields
    for event, value in events:
        if event == "map_key":
            key = value
        elif event in SCALARS:
            if key in KEPT:
                fields[key] = value
        elif event == "end_map":
            return message
        elif key == "members" and event == "start_array":
            _members(events, message, depth + 1)
        else:
            _skip(events, depth + 1)
    return message


def _members(events: Iterator, message: RawMessage, depth: int) -> None:
    members = message.members
    for event, value in events:
        if event == "end_array":
            return
        if event in OPEN:
            _skip(events, depth + 1)
        elif len(members) >= MEMBERS_PER_MESSAGE_MAX:
            message.too_many_members = True
        elif value is not None:
            members.append(value)


def _skip(events: Iterator, depth: int) -> None:
    """Read past a container nobody needs, which opened at `depth`."""
    level = 1
    for event, _ in events:
        if event in OPEN:
            level += 1
            if depth + level - 1 > JSON_DEPTH_MAX:
                raise ExportFileError(f"nested deeper than {JSON_DEPTH_MAX} levels")
        elif event in CLOSE:
            level -= 1
            if not level:
                return


def _value(events: Iterator, event: str, value: object, key: object, shape: dict,
           chat: RawChat | None, depth: int) -> None:
    """A value of a map the walker reads: checked against the shape, kept or skipped."""
    if key in shape and event != "null":
        raise ExportFileError(f'"{key}" is not {shape[key]}: not a Telegram Desktop export')
    if event in OPEN:
        _skip(events, depth + 1)
    elif chat is not None and key in CHAT_KEYS:
        setattr(chat, key, value)


def _first_line(exc: BaseException) -> str:
    text = exc.args[0] if exc.args else str(exc)
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return " ".join(str(text).split("\n")[0].split())[:120]
