"""What may enter the inventory: one place for the limits and the cleaning of text and ids.

Everything that comes from outside (a census cell, a Telegram Desktop export, a command) passes
here before it is stored, so that nothing stored can break a later command, and SQLite and
PostgreSQL keep exactly the same text.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime

TITLE_MAX = 255
PURPOSE_MAX = 200
NAME_MAX = 64
OTHER_CHAT_ID_MAX = 128
PLATFORM_MAX = 32
# One spreadsheet cell, before any cleaning: room for MEMBERS_MAX ids with their separators,
# while a single runaway cell (a 100 MB purpose) is refused before it is looked at twice.
CELL_MAX = 2_000_000
MEMBERS_MAX = 100_000
COUNT_MAX = 10_000_000
DATE_MIN = date(1990, 1, 1)
DATE_MAX = date(2100, 12, 31)
MOMENT_MIN = datetime(1990, 1, 1, tzinfo=UTC)
MOMENT_MAX = datetime(2101, 1, 1, tzinfo=UTC)
UNIX_MIN, UNIX_MAX = int(MOMENT_MIN.timestamp()), int(MOMENT_MAX.timestamp())
# Telegram message ids are 32-bit signed integers.
MESSAGE_ID_MAX = 2**31 - 1
# A Telegram Desktop export nests about ten levels deep; anything far deeper is hostile.
JSON_DEPTH_MAX = 64
# One text or number in an export: a message is at most 4,096 characters.
JSON_TOKEN_MAX = 1_000_000
MEMBERS_PER_MESSAGE_MAX = 10_000
# Bot API ids have at most 52 significant bits.
TELEGRAM_ID_MAX = 2**52
TELEGRAM_USERNAME = re.compile(r"^@?([A-Za-z][A-Za-z0-9_]{3,31})$")
TELEGRAM_LINK = re.compile(r"^(?:https?://)?(?:t\.me|telegram\.me)/([A-Za-z][A-Za-z0-9_]{3,31})/?$",
                           re.IGNORECASE)
TELEGRAM_NUMBER = re.compile(r"^-?[0-9]{1,16}$")  # ASCII digits: int() also reads "٣"
ZWJ = "\u200d"


class InvalidValue(ValueError):
    """A value that may not be stored; the message says why, in plain words."""


def clean_text(value: str | None, limit: int, what: str) -> str:
    """One line of text: control, bidi-override and zero-width characters removed, spaces
    collapsed, at most `limit` characters (longer is refused, never cut silently)."""
    if value is None:
        return ""
    cleaned = " ".join(visible(value).split())
    if len(cleaned) > limit:
        raise InvalidValue(f"{what} is longer than {limit} characters ({len(cleaned)})")
    return cleaned


def telegram_chat_id(value: str) -> str:
    """A Telegram group as the Bot API names it: an integer id, or @username (from a t.me link
    too)."""
    text = value.strip()
    if TELEGRAM_NUMBER.match(text):
        number = int(text)
        if number != 0 and abs(number) < TELEGRAM_ID_MAX:
            return str(number)
        raise InvalidValue(f"chat_id {text} is out of range for Telegram")
    for pattern in (TELEGRAM_USERNAME, TELEGRAM_LINK):
        found = pattern.match(text)
        if found:
            return "@" + found.group(1).lower()
    raise InvalidValue(f"chat_id {shown(text)} is not a Telegram id or @username")


def chat_id_for(platform: str, value: str) -> str:
    """A chat id valid for its platform (others: printable text of at most 128 characters)."""
    if platform == "telegram":
        return telegram_chat_id(value)
    cleaned = clean_text(value, OTHER_CHAT_ID_MAX, "chat_id")
    if not cleaned:
        raise InvalidValue("chat_id is missing")
    return cleaned


def user_id(value: int) -> int:
    """A Telegram user id within the Bot API's range."""
    if not 0 < value < TELEGRAM_ID_MAX:
        raise InvalidValue(f"user id {value} is out of range")
    return value


def count(value: int, what: str, limit: int = COUNT_MAX) -> int:
    """A count of people or messages: 0 … limit."""
    if not 0 <= value <= limit:
        raise InvalidValue(f"{what} {value} is out of range (0–{limit})")
    return value


def day(value: date, what: str) -> date:
    """A date a work group can plausibly carry."""
    if not DATE_MIN <= value <= DATE_MAX:
        raise InvalidValue(f"{what} {value.isoformat()} is out of range "
                           f"({DATE_MIN.year}–{DATE_MAX.year})")
    return value


def message_id(value: object) -> int:
    """A Telegram message id: a whole number 1 … 2³¹−1."""
    if value is None:
        raise InvalidValue("no id")
    if type(value) is not int:
        raise InvalidValue(f"id {shown(str(value))} is not a whole number")
    if not 0 < value <= MESSAGE_ID_MAX:
        raise InvalidValue(f"id {value} is out of range")
    return value


def moment(value: datetime, what: str) -> datetime:
    """An aware moment a work group's history can plausibly hold (1990–2100)."""
    if not MOMENT_MIN <= value < MOMENT_MAX:
        raise InvalidValue(f"{what} {value.isoformat()} is out of range "
                           f"({MOMENT_MIN.year}–{MOMENT_MAX.year - 1})")
    return value


def unix_time(value: object, what: str) -> datetime:
    """Unix seconds (a number or, as Telegram writes them, digits in a string) as UTC."""
    text = str(value)
    if type(value) not in (int, str) or not TELEGRAM_NUMBER.match(text):
        raise InvalidValue(f"{what} {shown(text)} is not a Unix time")
    seconds = int(text)
    if not UNIX_MIN <= seconds < UNIX_MAX:
        raise InvalidValue(f"{what} {seconds} is out of range "
                           f"({MOMENT_MIN.year}–{MOMENT_MAX.year - 1})")
    return datetime.fromtimestamp(seconds, UTC)


def visible(value: str) -> str:
    """The text with invisible characters turned into spaces (NFC first).

    A zero-width joiner survives only inside an emoji sequence (👩‍💻), where it is part of
    the picture; elsewhere it could hide a difference between two names.
    """
    text = unicodedata.normalize("NFC", value)
    if text.isprintable():  # no Cc/Cf/Cs/Co/Cn at all: the common case, checked in C
        return text
    out = []
    for i, ch in enumerate(text):
        if ch == ZWJ:
            joins_pictures = 0 < i < len(text) - 1 and _picture(text[i - 1]) and \
                _picture(text[i + 1])
            out.append(ch if joins_pictures else "")
        else:
            out.append(" " if _invisible(ch) else ch)
    return "".join(out)


def _picture(ch: str) -> bool:
    return unicodedata.category(ch) in ("So", "Sk") or ch == "\ufe0f"


def shown(text: str, limit: int = 40) -> str:
    """A bad value as an error message may quote it: cleaned, short and quoted."""
    return repr(visible(text[:limit]) + ("…" if len(text) > limit else ""))


def _invisible(ch: str) -> bool:
    # Control (Cc), format (Cf: bidi overrides, zero-width), surrogates, private use and
    # unassigned code points.
    return unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn")
