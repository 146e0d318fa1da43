"""Reading and writing lifecycle state for scans."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from groupbot.domain.events import PRESENT_STATUSES
from groupbot.storage.activity import group_activity, member_activity, memberships
from groupbot.storage.group_rows import groups
from groupbot.storage.sqlx import upsert
from groupbot.storage.tables import Lifecycle

lifecycle = Lifecycle.__table__
STATE_FIELDS = ("due_on", "warnings_sent", "temporary", "exempt", "exempt_until",
                "exempt_reason", "restored_until", "approved", "prior_status",
                "prior_permissions", "last_verdict", "asked_end_date")


async def scan_rows(conn: AsyncConnection, since: date) -> list:
    """Every group with its activity since `since` and its lifecycle state."""
    messages = (select(group_activity.c.group_id,
                       func.sum(group_activity.c.messages).label("n"))
                .where(group_activity.c.day >= since).group_by(group_activity.c.group_id)
                .subquery())
    posters = (select(member_activity.c.group_id,
                      func.count(func.distinct(member_activity.c.member_id)).label("n"))
               .where(member_activity.c.day >= since).group_by(member_activity.c.group_id)
               .subquery())
    seen = (select(memberships.c.group_id, func.count().label("n"))
            .where(memberships.c.status.in_(PRESENT_STATUSES))
            .group_by(memberships.c.group_id).subquery())
    query = (select(groups.c.id, groups.c.chat_id, groups.c.platform, groups.c.title,
                    groups.c.status, groups.c.last_active, groups.c.registered_at,
                    groups.c.created_on, groups.c.expires_on, groups.c.member_count,
                    func.coalesce(seen.c.n, 0).label("members_seen"),
                    func.coalesce(messages.c.n, 0).label("messages_30d"),
                    func.coalesce(posters.c.n, 0).label("posters_30d"),
                    *(lifecycle.c[f] for f in STATE_FIELDS))
             .outerjoin(messages, messages.c.group_id == groups.c.id)
             .outerjoin(posters, posters.c.group_id == groups.c.id)
             .outerjoin(seen, seen.c.group_id == groups.c.id)
             .outerjoin(lifecycle, lifecycle.c.group_id == groups.c.id))
    return list(await conn.execute(query))


async def save_states(conn: AsyncConnection, rows: list[dict]) -> None:
    """Upsert lifecycle rows (each dict has group_id and the fields to set)."""
    by_fields: dict[tuple, list[dict]] = {}
    for row in rows:
        by_fields.setdefault(tuple(sorted(row)), []).append(row)
    for fields, batch in by_fields.items():
        stmt = upsert(conn, lifecycle)
        stmt = stmt.on_conflict_do_update(
            index_elements=[lifecycle.c.group_id],
            set_={f: stmt.excluded[f] for f in fields if f != "group_id"})
        await conn.execute(stmt, [_with_defaults(r) for r in batch])


def _with_defaults(row: dict) -> dict:
    # NOT NULL columns need a value on first insert; existing rows keep theirs (not in set_).
    return {"warnings_sent": "", "temporary": False, "exempt": False, "approved": False,
            "asked_end_date": False, **row}


async def load_state(conn: AsyncConnection, group_pk: int):
    """One group's lifecycle row, or None."""
    return (await conn.execute(select(lifecycle).where(lifecycle.c.group_id == group_pk))).first()


async def remember_permissions(conn: AsyncConnection, group_pk: int, permissions: str) -> bool:
    """Keep a group's permissions from before archiving, unless kept already.

    Restricting may be carried out twice (at least once): the second reading would be the
    restricted permissions, which must not replace the real ones.
    """
    result = await conn.execute(update(lifecycle).where(
        (lifecycle.c.group_id == group_pk) & lifecycle.c.prior_permissions.is_(None))
        .values(prior_permissions=permissions))
    return result.rowcount == 1
