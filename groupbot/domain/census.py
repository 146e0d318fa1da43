"""Census rows: the groups a district lists by hand, validated into plain records."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

CENSUS_COLUMNS = ("platform", "chat_id", "title", "purpose", "owner", "members",
                  "member_count", "last_active", "created", "expires")
REQUIRED_COLUMNS = ("platform", "chat_id", "title")
MEMBER_SEPARATORS = re.compile(r"[;；、]")
TELEGRAM_ID = re.compile(r"^-?\d{1,20}$")


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
    """A census line that cannot be imported; the message names the line and the problem."""

    def __init__(self, line: int, problem: str):
        super().__init__(f"line {line}: {problem}")
        self.line = line
        self.problem = problem


def missing_columns(header: list[str]) -> list[str]:
    """Required columns absent from a header row."""
    names = {h.strip().lower() for h in header}
    return [c for c in REQUIRED_COLUMNS if c not in names]


def parse_row(raw: dict[str, object], line: int) -> CensusRow:
    """Validate one row (values as read from CSV/XLSX); raises CensusRowError."""
    value = {k.strip().lower(): _text(v) for k, v in raw.items() if k}
    chat_id = value.get("chat_id", "")
    if not chat_id:
        raise CensusRowError(line, "chat_id is missing")
    platform = value.get("platform", "").lower()
    if not platform:
        raise CensusRowError(line, "platform is missing")
    return CensusRow(
        line=line, platform=platform, chat_id=chat_id, title=value.get("title", ""),
        purpose=value.get("purpose") or None, owner=value.get("owner") or None,
        members=parse_members(value.get("members", "")),
        member_count=_count(value.get("member_count", ""), line),
        last_active=_date(value.get("last_active", ""), "last_active", line),
        created=_date(value.get("created", ""), "created", line),
        expires=_date(value.get("expires", ""), "expires", line),
    )


def parse_members(text: str) -> tuple[CensusMember, ...]:
    """Split a members cell on ; ； or 、 into ids and names, keeping order, dropping repeats."""
    seen: dict[str, CensusMember] = {}
    for part in MEMBER_SEPARATORS.split(text):
        name = part.strip()
        if name and name not in seen:
            user_id = int(name) if TELEGRAM_ID.match(name) else None
            seen[name] = CensusMember(user_id, name)
    return tuple(seen.values())


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()[:10]  # XLSX cells arrive as date/datetime
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # XLSX stores numbers as floats
    return str(value).strip()


def _date(text: str, column: str, line: int) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        raise CensusRowError(line, f"{column} is not a date (YYYY-MM-DD): {text!r}") from None


def _count(text: str, line: int) -> int | None:
    if not text:
        return None
    if not text.isdigit():
        raise CensusRowError(line, f"member_count is not a whole number: {text!r}")
    return int(text)
