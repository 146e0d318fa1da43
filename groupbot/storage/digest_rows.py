"""The queries behind the weekly digest."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, datetime

from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from groupbot.domain.clock import as_utc
from groupbot.domain.events import PRESENT_STATUSES
from groupbot.storage import bot_state
from groupbot.storage.activity import group_activity, members, memberships
from groupbot.storage.group_rows import audit, groups
from groupbot.storage.lifecycle_rows import lifecycle


async def status_counts(conn: AsyncConnection) -> dict[str, int]:
    """Groups per status."""
    rows = await conn.execute(select(groups.c.status, func.count()).group_by(groups.c.status))
    return dict(rows.all())


async def registered_by(conn: AsyncConnection, moment: datetime) -> int:
    """Groups registered up to a moment (the baseline)."""
    return (await conn.execute(select(func.count()).select_from(groups)
                               .where(groups.c.registered_at <= as_utc(moment)))).scalar_one()


async def changes_between(conn: AsyncConnection, start: datetime, end: datetime) -> Counter:
    """Registrations and status changes recorded in the audit log in [start, end)."""
    rows = await conn.execute(select(audit.c.action, audit.c.detail).where(
        audit.c.at >= as_utc(start), audit.c.at < as_utc(end),
        audit.c.action.in_(("registered", "status"))))
    changes: Counter = Counter()
    for action, detail in rows:
        if action == "registered":
            changes["registered"] += 1
        else:
            changes[json.loads(detail or "{}").get("new", "unknown")] += 1
    return changes


async def ending_between(conn: AsyncConnection, start: date, end: date,
                         in_play: tuple[str, ...]) -> list[tuple[str, date]]:
    """Temporary groups whose end date falls in [start, end]."""
    rows = await conn.execute(select(groups.c.title, groups.c.expires_on).where(
        groups.c.expires_on.between(start, end), groups.c.status.in_(in_play))
        .order_by(groups.c.expires_on))
    return [(r.title, r.expires_on) for r in rows]


async def exemptions_between(conn: AsyncConnection, start: date,
                             end: date) -> list[tuple[str, date]]:
    """Exemptions that run out in [start, end]."""
    rows = await conn.execute(
        select(groups.c.title, lifecycle.c.exempt_until)
        .join(lifecycle, lifecycle.c.group_id == groups.c.id)
        .where(lifecycle.c.exempt.is_(True), lifecycle.c.exempt_until.between(start, end))
        .order_by(lifecycle.c.exempt_until))
    return [(r.title, r.exempt_until) for r in rows]


async def groups_per_member(conn: AsyncConnection,
                            in_play: tuple[str, ...]) -> tuple[dict, dict]:
    """How many groups in play each person is in, and their display names.

    Counted per member row in SQL (an integer group-by), then merged per person in Python:
    one Telegram id, or one normalised name across platforms, is one person.
    """
    rows = await conn.execute(
        select(members.c.user_id, members.c.name_key, members.c.display_name,
               func.count().label("n"))
        .select_from(memberships)
        .join(members, members.c.id == memberships.c.member_id)
        .join(groups, and_(groups.c.id == memberships.c.group_id,
                           groups.c.status.in_(in_play)))
        .where(memberships.c.status.in_(PRESENT_STATUSES), members.c.is_bot.is_(False))
        .group_by(memberships.c.member_id, members.c.user_id, members.c.name_key,
                  members.c.display_name))
    counts: dict = {}
    names: dict = {}
    for user_id, name_key, shown, n in rows:
        who = user_id if user_id is not None else name_key
        counts[who] = counts.get(who, 0) + int(n)
        # Census people show their normalised name, not one annotated variant of it.
        names.setdefault(who, name_key or shown)
    return counts, names


async def week_activity(conn: AsyncConnection, since: date, until: date) -> list:
    """Per group over [since, until]: title, human messages, after-hours ones, photos."""
    rows = await conn.execute(
        select(groups.c.title, func.sum(group_activity.c.messages).label("messages"),
               func.sum(group_activity.c.after_hours).label("after_hours"),
               func.sum(group_activity.c.photos).label("photos"))
        .join(groups, groups.c.id == group_activity.c.group_id)
        .where(group_activity.c.day.between(since, until))
        .group_by(groups.c.id, groups.c.title))
    return list(rows)


async def claim_week(conn: AsyncConnection, chat_id: int, week: str, at: datetime) -> bool:
    """Claim this week's digest for a chat; False when it was already claimed (sent)."""
    return await bot_state.add(conn, f"digest.{chat_id}.{week}", at.isoformat())


async def table_rows(conn: AsyncConnection, since: date, until: date) -> list:
    """One row per group for the digest's CSV table."""
    week = (select(group_activity.c.group_id,
                   func.sum(group_activity.c.messages).label("messages"),
                   func.sum(group_activity.c.after_hours).label("after_hours"),
                   func.sum(group_activity.c.photos).label("photos"))
            .where(group_activity.c.day.between(since, until))
            .group_by(group_activity.c.group_id).subquery())
    rows = await conn.execute(
        select(groups.c.platform, groups.c.chat_id, groups.c.title, groups.c.status,
               groups.c.purpose, groups.c.member_count,
               func.coalesce(week.c.messages, 0).label("messages_7d"),
               func.coalesce(week.c.after_hours, 0).label("after_hours_7d"),
               func.coalesce(week.c.photos, 0).label("photos_7d"))
        .outerjoin(week, week.c.group_id == groups.c.id).order_by(groups.c.id))
    return list(rows)


async def in_play_history(conn: AsyncConnection, moments: list[datetime],
                          in_play: tuple[str, ...]) -> list[int]:
    """How many groups were in play at each moment (registered, not yet merged/archived)."""
    registered = list(await conn.execute(select(groups.c.id, groups.c.registered_at,
                                                groups.c.status)))
    gone = dict((await conn.execute(
        select(audit.c.group_id, func.max(audit.c.at))
        .join(groups, groups.c.id == audit.c.group_id)
        .where(audit.c.action == "status", groups.c.status.notin_(in_play))
        .group_by(audit.c.group_id))).all())
    spans = [(as_utc(r.registered_at), as_utc(gone.get(r.id)) if r.status not in in_play
              else None) for r in registered]
    return [sum(1 for start, end in spans
                if start <= as_utc(m) and (end is None or end > as_utc(m))) for m in moments]
