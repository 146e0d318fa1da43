"""Batched counter writes: members, memberships, daily group and member activity."""

from __future__ import annotations

from functools import cache

from sqlalchemy import bindparam, case, literal_column, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from groupbot.domain.activity import ActivityBatch, PersonSeen
from groupbot.domain.clock import as_utc
from groupbot.domain.events import PRESENT_STATUSES
from groupbot.storage.group_rows import TELEGRAM, groups
from groupbot.storage.sqlx import greatest, least, upsert
from groupbot.storage.tables import GroupActivity, Member, MemberActivity, Membership

members = Member.__table__
memberships = Membership.__table__
group_activity = GroupActivity.__table__
member_activity = MemberActivity.__table__
ABSENT = ("left", "kicked")


async def upsert_members(conn: AsyncConnection, people: list[PersonSeen]) -> None:
    """Insert new people, or rename known ones; the latest sighting names them."""
    if not people:
        return
    rows = [{"platform": TELEGRAM, "user_id": seen.person.user_id,
             "display_name": seen.person.display_name[:255], "username": seen.person.username,
             "is_bot": seen.person.is_bot, "first_seen": as_utc(seen.first_seen)}
            for seen in people]
    # Rows in key order: concurrent workers then lock them in the same order (no deadlock).
    rows.sort(key=lambda r: r["user_id"])
    await conn.execute(_members_upsert(conn.dialect.name), rows)


@cache
def _members_upsert(dialect: str):
    stmt = upsert(dialect, members)
    return stmt.on_conflict_do_update(
        index_elements=[members.c.platform, members.c.user_id],
        set_={
            "display_name": stmt.excluded.display_name,
            "username": stmt.excluded.username,
            "first_seen": least(members.c.first_seen, stmt.excluded.first_seen),
        },
    )


async def member_ids(conn: AsyncConnection, user_ids: list[int]) -> dict[int, int]:
    """Map Telegram user ids to member primary keys."""
    found: dict[int, int] = {}
    for start in range(0, len(user_ids), 500):  # stay under bound-parameter limits
        chunk = user_ids[start:start + 500]
        rows = await conn.execute(select(members.c.user_id, members.c.id).where(
            members.c.platform == TELEGRAM, members.c.user_id.in_(chunk)))
        found.update({r.user_id: r.id for r in rows})
    return found


def membership_rows(batch: ActivityBatch, group_pk: dict[int, int],
                    member_pk: dict[int, int]) -> tuple[list[dict], list[dict]]:
    """Split presence into rows with an explicit status change and rows seen by messages only."""
    with_status, seen_only = [], []
    for (chat_id, uid), p in batch.presence.items():
        row = {"group_id": group_pk[chat_id], "member_id": member_pk[uid],
               "first_seen": as_utc(p.first_seen), "last_seen": as_utc(p.last_seen),
               "message_count": p.messages}
        if p.status is None:
            row.update(status="member", joined_at=None, left_at=None)
            seen_only.append(row)
        else:
            present = p.status in PRESENT_STATUSES
            at = as_utc(p.status_at)
            row.update(status=p.status, joined_at=at if present else None,
                       left_at=None if present else at)
            with_status.append(row)
    return with_status, seen_only


async def upsert_memberships(conn: AsyncConnection, with_status: list[dict],
                             seen_only: list[dict]) -> None:
    """Add message counts and spans; explicit statuses win, a message brings a leaver back."""
    for rows, explicit in ((with_status, True), (seen_only, False)):
        if rows:
            rows = sorted(rows, key=lambda r: (r["group_id"], r["member_id"]))
            await conn.execute(_memberships_upsert(conn.dialect.name, explicit), rows)
    # Any of these rows may add or bring back a member (cheaper to assume than to check).
    await members_changed(conn, {r["group_id"] for r in (*with_status, *seen_only)})


async def members_changed(conn: AsyncConnection, group_pks) -> None:
    """Mark groups whose member lists changed, so matching reads them again."""
    pks = sorted(group_pks)  # key order: concurrent writers lock rows alike
    for start in range(0, len(pks), 500):
        await conn.execute(update(groups).where(groups.c.id.in_(pks[start:start + 500]))
                           .values(members_version=groups.c.members_version + 1))


@cache
def _memberships_upsert(dialect: str, explicit: bool):
    stmt = upsert(dialect, memberships)
    ex, cur = stmt.excluded, memberships.c
    # Constants are inlined: executemany cannot expand an IN list per row.
    was_absent = or_(*(cur.status == literal_column(f"'{s}'") for s in ABSENT))
    set_ = {
        "message_count": cur.message_count + ex.message_count,
        "first_seen": least(cur.first_seen, ex.first_seen),
        "last_seen": greatest(cur.last_seen, ex.last_seen),
    }
    if explicit:
        set_.update(
            status=ex.status,
            joined_at=case((ex.joined_at.is_(None), cur.joined_at),
                           ((cur.joined_at.is_(None)) | was_absent, ex.joined_at),
                           else_=cur.joined_at),
            left_at=case((ex.left_at.is_(None), cur.left_at), else_=ex.left_at),
        )
    else:
        set_["status"] = case((was_absent, literal_column("'member'")), else_=cur.status)
    return stmt.on_conflict_do_update(index_elements=[cur.group_id, cur.member_id], set_=set_)


async def add_group_days(conn: AsyncConnection, rows: list[dict]) -> None:
    """Add per-day message counts to groups."""
    if rows:
        rows = sorted(rows, key=lambda r: (r["group_id"], r["day"]))
        await conn.execute(_group_days_upsert(conn.dialect.name), rows)


@cache
def _group_days_upsert(dialect: str):
    stmt = upsert(dialect, group_activity)
    ex, cur = stmt.excluded, group_activity.c
    return stmt.on_conflict_do_update(
        index_elements=[cur.group_id, cur.day],
        set_={"messages": cur.messages + ex.messages,
              "bot_messages": cur.bot_messages + ex.bot_messages,
              "service_messages": cur.service_messages + ex.service_messages,
              "after_hours": cur.after_hours + ex.after_hours,
              "photos": cur.photos + ex.photos},
    )


async def add_member_days(conn: AsyncConnection, rows: list[dict]) -> None:
    """Add per-day message counts to members in groups."""
    if rows:
        rows = sorted(rows, key=lambda r: (r["group_id"], r["day"], r["member_id"]))
        await conn.execute(_member_days_upsert(conn.dialect.name), rows)


@cache
def _member_days_upsert(dialect: str):
    stmt = upsert(dialect, member_activity)
    cur = member_activity.c
    return stmt.on_conflict_do_update(
        index_elements=[cur.group_id, cur.day, cur.member_id],
        set_={"messages": cur.messages + stmt.excluded.messages},
    )


async def touch_last_active(conn: AsyncConnection, rows: list[dict]) -> None:
    """Move each group's last human activity forward (never back)."""
    if rows:
        await conn.execute(TOUCH_LAST_ACTIVE, sorted(rows, key=lambda r: r["pk"]))


TOUCH_LAST_ACTIVE = (
    update(groups).where(groups.c.id == bindparam("pk"))
    .values(last_active=greatest(groups.c.last_active,
                                 bindparam("at", type_=groups.c.last_active.type)))
)


async def write_counters(conn: AsyncConnection, batch: ActivityBatch,
                         group_pk: dict[int, int], member_pk: dict[int, int]) -> None:
    """Apply every counter of a batch."""
    await upsert_memberships(conn, *membership_rows(batch, group_pk, member_pk))
    await add_group_days(conn, [
        {"group_id": group_pk[chat_id], "day": day, "messages": c.messages,
         "bot_messages": c.bot_messages, "service_messages": c.service_messages,
         "after_hours": c.after_hours, "photos": c.photos}
        for (chat_id, day), c in batch.group_days.items()
    ])
    await add_member_days(conn, [
        {"group_id": group_pk[chat_id], "member_id": member_pk[uid], "day": day, "messages": n}
        for (chat_id, uid, day), n in batch.member_days.items()
    ])
    await touch_last_active(conn, [
        {"pk": group_pk[chat_id], "at": as_utc(at)} for chat_id, at in batch.last_active.items()
    ])
