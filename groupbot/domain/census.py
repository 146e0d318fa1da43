"""Census rows: the groups a district lists by hand, validated into plain records."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from groupbot.domain.validation import (
    CELL_MAX,
    MEMBERS_MAX,
    NAME_MAX,
    PLATFORM_MAX,
    PURPOSE_MAX,
    TITLE_MAX,
    InvalidValue,
    chat_id_for,
    clean_text,
    count,
    day,
    shown,
    user_id,
    visible,
)

CENSUS_COLUMNS = ("platform", "chat_id", "title", "purpose", "owner", "members",
                  "member_count", "last_active", "created", "expires")
REQUIRED_COLUMNS = ("platform", "chat_id", "title")
_COLUMNS = frozenset(CENSUS_COLUMNS)
COLUMN_NAME_MAX = 100
MEMBER_SEPARATORS = re.compile(r"[;；、]")
TELEGRAM_ID = re.compile(r"^-?[0-9]{1,20}$")
WHOLE_NUMBER = re.compile(r"^[0-9]{1,15}$")
# The date itself is the first ten characters; XLSX datetimes and "2026-11-01 09:00" add a time.
ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}(?:$|[ T])")


@dataclass(frozen=True, slots=True)
class CensusMember:
    """A listed member: a Telegram user id, or a display name as the platform shows it."""

    user_id: int | None
    display_name: str


@dataclass(frozen=True, slots=True)
class CensusRow:
    """One valid census line."""

    line: int
    platform: str
    chat_id: str
    title: str
    purpose: str | None
    owner: str | None
    members: tuple[CensusMember, ...]
    member_count: int | None
    last_active: date | None
    created: date | None
    expires: date | None


class CensusRowError(ValueError):
    """A census line that cannot be imported; the message names the line, column and problem."""

    def __init__(self, line: int, problem: str, column: str | None = None):
        where = f"line {line}, column {column}" if column else f"line {line}"
        super().__init__(f"{where}: {problem}")
        self.line = line
        self.column = column
        self.problem = problem


def missing_columns(header: list[str]) -> list[str]:
    """Required columns absent from a header row."""
    names = {column_name(h) for h in header}
    return [c for c in REQUIRED_COLUMNS if c not in names]


def column_name(header_cell: object) -> str:
    """A header cell as a column name: invisible characters dropped, lower case."""
    text = _text(header_cell)
    if len(text) > COLUMN_NAME_MAX:
        return ""  # no census column is named like that; not worth cleaning
    return " ".join(visible(text).split()).lower()


def parse_row(raw: dict[str, object], line: int) -> CensusRow:
    """Validate one row (values as read from CSV/XLSX); raises CensusRowError."""
    value = _cells(raw, line)
    platform = _checked(line, "platform", _platform, value.get("platform", ""))
    chat_id = value.get("chat_id", "")
    if not chat_id.strip():
        raise CensusRowError(line, "chat_id is missing", "chat_id")
    return CensusRow(
        line=line, platform=platform,
        chat_id=_checked(line, "chat_id", chat_id_for, platform, chat_id),
        title=_checked(line, "title", clean_text, value.get("title"), TITLE_MAX, "title"),
        purpose=_checked(line, "purpose", clean_text, value.get("purpose"), PURPOSE_MAX,
                         "purpose") or None,
        owner=_checked(line, "owner", clean_text, value.get("owner"), NAME_MAX, "owner") or None,
        members=_checked(line, "members", parse_members, value.get("members", "")),
        member_count=_checked(line, "member_count", _count, value.get("member_count", "")),
        last_active=_checked(line, "last_active", _date, value.get("last_active", ""),
                             "last_active"),
        created=_checked(line, "created", _date, value.get("created", ""), "created"),
        expires=_checked(line, "expires", _date, value.get("expires", ""), "expires"),
    )


def parse_members(text: str) -> tuple[CensusMember, ...]:
    """Split a members cell on ; ； or 、 into ids and names, keeping order, dropping repeats.

    Raises InvalidValue for an over-long name, an id out of range or too many members.
    """
    parts = MEMBER_SEPARATORS.split(text)
    if len(parts) <= MEMBERS_MAX:  # cannot hold too many: one pass, first place kept
        return tuple({m.display_name: m for m in map(_member, parts) if m is not None}.values())
    seen: dict[str, CensusMember] = {}
    for member in map(_member, parts):
        if member is not None and member.display_name not in seen:
            seen[member.display_name] = member
            if len(seen) > MEMBERS_MAX:
                raise InvalidValue(f"more than {MEMBERS_MAX:,} members")
    return tuple(seen.values())


@lru_cache(maxsize=1 << 17)  # the same people are listed in many groups: clean each once
def _member(part: str) -> CensusMember | None:
    """One listed member as written in the cell; None for an empty part."""
    try:
        name = clean_text(part, NAME_MAX, "name")
    except InvalidValue as exc:
        raise InvalidValue(f"member {shown(part)}: {exc}") from None
    if not name:
        return None
    return CensusMember(user_id(int(name)) if TELEGRAM_ID.match(name) else None, name)


def _cells(raw: dict[str, object], line: int) -> dict[str, str]:
    """The census columns of a row as text; a runaway cell is refused before any cleaning."""
    cells = {}
    for key, cell in raw.items():
        # Keys read by read_rows are column names already; others are cleaned here.
        name = key if key in _COLUMNS else column_name(key) if key else ""
        if name not in CENSUS_COLUMNS:
            continue  # extra columns are allowed and never read
        text = _text(cell)
        if len(text) > CELL_MAX:
            raise CensusRowError(line, f"cell is longer than {CELL_MAX:,} characters "
                                       f"({len(text):,})", name)
        cells[name] = text
    return cells


def _checked(line: int, column: str, check, *args):
    try:
        return check(*args)
    except InvalidValue as exc:
        raise CensusRowError(line, str(exc), column) from None


def _platform(text: str) -> str:
    platform = clean_text(text, PLATFORM_MAX, "platform").lower()
    if not platform:
        raise InvalidValue("platform is missing")
    return platform


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()[:10]  # XLSX cells arrive as date/datetime
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # XLSX stores numbers as floats
    return str(value).strip()


@lru_cache(maxsize=1 << 12)  # a census has a few thousand distinct dates at most
def _date(text: str, column: str) -> date | None:
    text = text.strip()
    if not text:
        return None
    if not ISO_DATE.match(text):
        raise InvalidValue(f"{column} is not a date (YYYY-MM-DD): {shown(text)}")
    try:
        parsed = date.fromisoformat(text[:10])
    except ValueError:
        raise InvalidValue(f"{column} is not a date (YYYY-MM-DD): {shown(text)}") from None
    return day(parsed, column)


def _count(text: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not WHOLE_NUMBER.match(text):
        raise InvalidValue(f"member_count is not a whole number: {shown(text)}")
    return count(int(text), "member_count")
