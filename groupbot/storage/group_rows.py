"""Row-level operations on groups and the audit log, on a Core connection inside a transaction."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from groupbot.domain.clock import as_utc
from groupbot.domain.events import GroupStatus
from groupbot.storage.tables import AuditLog, Group

TELEGRAM = "telegram"
BOT_API_ID = re.compile(r"^-?[0-9]+$")
groups = Group.__table__
audit = AuditLog.__table__


def public_chat_id(platform: str, chat_id: str) -> int | str:
    """A chat id as it was registered: Telegram ids are numbers, census ids (and Telegram groups
    a census names by @username) stay as written."""
    return int(chat_id) if platform == TELEGRAM and BOT_API_ID.match(chat_id) else chat_id


def reachable(platform: str, chat_id: int | str) -> bool:
    """True for a group the bot can send to: a Telegram group known by its Bot API id.

    The bot registers every group it sits in by that id; a group a census names only by
    @username is one the bot has not (yet) seen, so nothing is sent there.
    """
    return platform == TELEGRAM and isinstance(chat_id, int)


@dataclass(slots=True)
class GroupKey:
    """What ingestion needs to know about a stored group."""

    pk: int
    title: str
    status: str


async def audit_event(conn: AsyncConnection, *, at: datetime, actor: str, action: str,
                      group_pk: int | None, **detail) -> None:
    """Record one state change."""
    await audit_events(conn, at=at, actor=actor, action=action, events=[(group_pk, detail)])


async def audit_events(conn: AsyncConnection, *, at: datetime, actor: str, action: str,
                       events: list[tuple[int | None, dict]]) -> None:
    """Record many state changes of one kind in one statement: (group pk, detail) each."""
    if events:
        await conn.execute(insert(audit), [
            {"at": as_utc(at), "actor": actor, "action": action, "group_id": pk,
             "detail": audit_detail(detail)} for pk, detail in events])


def audit_detail(detail: dict) -> str | None:
    """An audit row's detail as stored: JSON, or nothing when there is none."""
    return json.dumps(detail, ensure_ascii=False, default=str) if detail else None


async def find_group(conn: AsyncConnection, chat_id: int | str,
                     platform: str = TELEGRAM) -> GroupKey | None:
    """Look a group up by its platform id."""
    row = (await conn.execute(
        select(groups.c.id, groups.c.title, groups.c.status)
        .where(groups.c.platform == platform, groups.c.chat_id == str(chat_id))
    )).first()
    return GroupKey(row.id, row.title, row.status) if row else None


async def key_by_pk(conn: AsyncConnection, pk: int) -> GroupKey:
    """A group's key by its primary key."""
    row = (await conn.execute(select(groups.c.title, groups.c.status)
                              .where(groups.c.id == pk))).one()
    return GroupKey(pk, row.title, row.status)


async def find_groups(conn: AsyncConnection, chat_ids: list[int]) -> dict[int, GroupKey]:
    """Look up many Telegram groups at once."""
    if not chat_ids:
        return {}
    rows = await conn.execute(
        select(groups.c.id, groups.c.chat_id, groups.c.title, groups.c.status)
        .where(groups.c.platform == TELEGRAM, groups.c.chat_id.in_([str(c) for c in chat_ids]))
    )
    return {int(r.chat_id): GroupKey(r.id, r.title, r.status) for r in rows}


async def register_group(conn: AsyncConnection, *, chat_id: int, title: str, chat_type: str,
                         at: datetime, actor: str, via: str) -> GroupKey:
    """Insert a new Telegram group and audit its registration."""
    at = as_utc(at)
    pk = (await conn.execute(insert(groups).values(
        platform=TELEGRAM, chat_id=str(chat_id), chat_type=chat_type, title=title or "",
        status=GroupStatus.ACTIVE, registered_at=at, updated_at=at,
    ).returning(groups.c.id))).scalar_one()
    await audit_event(conn, at=at, actor=actor, action="registered", group_pk=pk,
                      via=via, title=title)
    return GroupKey(pk, title or "", GroupStatus.ACTIVE)


async def update_group(conn: AsyncConnection, pk: int, at: datetime, **values) -> None:
    """Change columns of one group, stamping updated_at."""
    await conn.execute(update(groups).where(groups.c.id == pk)
                       .values(updated_at=as_utc(at), **values))


async def set_status(conn: AsyncConnection, key: GroupKey, status: str, *, at: datetime,
                     actor: str, reason: str, **extra) -> None:
    """Move a group to another lifecycle status, audited."""
    if key.status == status:
        return
    await update_group(conn, key.pk, at, status=status, **extra)
    await audit_event(conn, at=at, actor=actor, action="status", group_pk=key.pk,
                      old=key.status, new=status, reason=reason)
    key.status = status
