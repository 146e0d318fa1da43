"""Merge proposals: stored once per set of groups, superseded when the set changes."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from groupbot.domain.clock import as_utc
from groupbot.storage.group_rows import groups, public_chat_id
from groupbot.storage.tables import MergeMember, MergeProposal

proposals = MergeProposal.__table__
merge_members = MergeMember.__table__
OPEN = ("pending",)


@dataclass(frozen=True, slots=True)
class StoredProposal:
    """A proposal as stored, with its groups' chat ids."""

    id: int
    status: str
    group_pks: tuple[int, ...]
    chat_ids: tuple[int | str, ...]
    titles: tuple[str, ...]
    survivor_pk: int
    survivor_chat_id: int | str
    score: float
    reasons: tuple[str, ...]


def group_key(group_pks) -> str:
    """The identity of a set of groups."""
    return ",".join(str(pk) for pk in sorted(group_pks))


@dataclass(frozen=True, slots=True)
class Computed:
    """A proposal as a matching run computed it, before it is stored."""

    pks: tuple[int, ...]
    survivor: int
    score: float
    reasons: tuple[str, ...]
    fingerprint: str


CHUNK = 2000  # ids per IN (...) list: well under SQLite's and asyncpg's parameter limits


async def record_all(conn: AsyncConnection, found: list[Computed], at: datetime
                     ) -> list[tuple[int, bool]]:
    """Store a run's proposals in a few statements; (id, new to admins) for each, in order.

    The same rules as one at a time: a set of groups still pending is refreshed, not
    duplicated; one decided before comes back only when its fingerprint changed; a new one
    supersedes the pending proposals it overlaps. A run's proposals never share a group.
    """
    latest = await _latest_by_key(conn, [group_key(c.pks) for c in found])
    results: list[tuple[int, bool] | None] = []
    refresh, fresh = [], []
    for c in found:
        last = latest.get(group_key(c.pks))
        if last is not None and (last.status in OPEN or last.fingerprint == c.fingerprint):
            reasons = json.dumps(c.reasons, ensure_ascii=False)
            # Only what differs is written: a daily run mostly finds what it found yesterday.
            if last.status in OPEN and (last.score, last.survivor_id, last.fingerprint,
                                        last.reasons) != (c.score, c.survivor, c.fingerprint,
                                                          reasons):
                refresh.append({"pid": last.id, "score": c.score, "survivor_id": c.survivor,
                                "fingerprint": c.fingerprint, "reasons": reasons})
            results.append((last.id, False))
        else:
            fresh.append(c)
            results.append(None)
    if refresh:
        await conn.execute(update(proposals).where(proposals.c.id == bindparam("pid"))
                           .values(score=bindparam("score"), survivor_id=bindparam("survivor_id"),
                                   fingerprint=bindparam("fingerprint"),
                                   reasons=bindparam("reasons")), refresh)
    new_ids = iter(await _insert_new(conn, fresh, at))
    return [r if r is not None else (next(new_ids), True) for r in results]


async def _latest_by_key(conn: AsyncConnection, keys: list[str]) -> dict:
    """The newest stored proposal of each set of groups."""
    latest: dict = {}
    for start in range(0, len(keys), CHUNK):
        rows = await conn.execute(
            select(proposals.c.id, proposals.c.status, proposals.c.fingerprint,
                   proposals.c.group_key, proposals.c.score, proposals.c.survivor_id,
                   proposals.c.reasons)
            .where(proposals.c.group_key.in_(keys[start:start + CHUNK])))
        for row in rows:
            if row.group_key not in latest or latest[row.group_key].id < row.id:
                latest[row.group_key] = row
    return latest


async def _insert_new(conn: AsyncConnection, fresh: list[Computed], at: datetime) -> list[int]:
    if not fresh:
        return []
    pks = sorted({pk for c in fresh for pk in c.pks})
    for start in range(0, len(pks), CHUNK):
        await supersede_overlapping(conn, tuple(pks[start:start + CHUNK]))
    rows = [{"group_key": group_key(c.pks), "fingerprint": c.fingerprint, "status": "pending",
             "survivor_id": c.survivor, "score": c.score, "created_at": as_utc(at),
             "reasons": json.dumps(c.reasons, ensure_ascii=False)} for c in fresh]
    result = await conn.execute(
        insert(proposals).returning(proposals.c.id, sort_by_parameter_order=True), rows)
    ids = [row.id for row in result]
    await conn.execute(insert(merge_members), [
        {"proposal_id": pid, "group_id": pk} for pid, c in zip(ids, fresh, strict=True)
        for pk in c.pks])
    return ids


async def record(conn: AsyncConnection, *, pks: tuple[int, ...], survivor: int, score: float,
                 reasons: tuple[str, ...], fingerprint: str, at: datetime) -> tuple[int, bool]:
    """Store one freshly computed proposal; returns (id, True if it is new to admins)."""
    (result,) = await record_all(conn, [Computed(pks, survivor, score, reasons, fingerprint)], at)
    return result


async def supersede_overlapping(conn: AsyncConnection, pks: tuple[int, ...]) -> None:
    """Pending proposals sharing a group with a new one give way to it."""
    overlapping = select(merge_members.c.proposal_id).where(merge_members.c.group_id.in_(pks))
    await conn.execute(update(proposals).where(proposals.c.status.in_(OPEN),
                                               proposals.c.id.in_(overlapping))
                       .values(status="superseded"))


async def load(conn: AsyncConnection, ids: list[int] | None = None,
               status: str | None = None) -> list[StoredProposal]:
    """Proposals by id and/or status, newest first."""
    if ids is not None and len(ids) > CHUNK:
        found = [p for start in range(0, len(ids), CHUNK)
                 for p in await load(conn, ids[start:start + CHUNK], status)]
        return sorted(found, key=lambda p: -p.id)
    query = select(proposals).order_by(proposals.c.id.desc())
    if ids is not None:
        query = query.where(proposals.c.id.in_(ids))
    if status is not None:
        query = query.where(proposals.c.status == status)
    rows = list(await conn.execute(query))
    members = await _members(conn, [r.id for r in rows])
    return [StoredProposal(
        id=r.id, status=r.status, group_pks=tuple(m[0] for m in members[r.id]),
        chat_ids=tuple(m[1] for m in members[r.id]), titles=tuple(m[2] for m in members[r.id]),
        survivor_pk=r.survivor_id,
        survivor_chat_id=next(m[1] for m in members[r.id] if m[0] == r.survivor_id),
        score=r.score, reasons=tuple(json.loads(r.reasons)),
    ) for r in rows]


async def _members(conn: AsyncConnection, ids: list[int]) -> dict[int, list[tuple]]:
    out: dict[int, list[tuple]] = {i: [] for i in ids}
    if ids:
        rows = await conn.execute(
            select(merge_members.c.proposal_id, groups.c.id, groups.c.chat_id,
                   groups.c.platform, groups.c.title)
            .join(groups, groups.c.id == merge_members.c.group_id)
            .where(merge_members.c.proposal_id.in_(ids)).order_by(groups.c.id))
        for r in rows:
            out[r.proposal_id].append((r.id, public_chat_id(r.platform, r.chat_id), r.title))
    return out


async def decide(conn: AsyncConnection, proposal_id: int, status: str, user_id: int | None,
                 at: datetime) -> bool:
    """Move a pending proposal to approved/rejected; False if it was not pending (acts once)."""
    result = await conn.execute(
        update(proposals).where(proposals.c.id == proposal_id, proposals.c.status == "pending")
        .values(status=status, decided_by=user_id, decided_at=as_utc(at)))
    return result.rowcount == 1


async def set_status(conn: AsyncConnection, proposal_id: int, expected: str, status: str,
                     **stamps) -> bool:
    """Move a proposal from `expected` to `status`; False if it was elsewhere."""
    result = await conn.execute(
        update(proposals).where(proposals.c.id == proposal_id, proposals.c.status == expected)
        .values(status=status, **{k: as_utc(v) for k, v in stamps.items()}))
    return result.rowcount == 1


async def remember_prior(conn: AsyncConnection, proposal_id: int, group_pk: int, *,
                         status: str | None = None,
                         read_only_at: datetime | None = None) -> None:
    """Keep what a group was before the merge touched it (its permissions: see below)."""
    values = {}
    if status is not None:
        values["prior_status"] = status
    if read_only_at is not None:
        values["read_only_at"] = as_utc(read_only_at)
    await conn.execute(update(merge_members).where(
        merge_members.c.proposal_id == proposal_id, merge_members.c.group_id == group_pk)
        .values(**values))


async def remember_permissions(conn: AsyncConnection, proposal_id: int, group_pk: int,
                               permissions: str) -> bool:
    """Keep an absorbed group's permissions from before it was made read-only, once.

    Restricting may be carried out twice (at least once): the second reading would be the
    restricted permissions, which must not replace the real ones.
    """
    result = await conn.execute(update(merge_members).where(
        merge_members.c.proposal_id == proposal_id, merge_members.c.group_id == group_pk,
        merge_members.c.prior_permissions.is_(None)).values(prior_permissions=permissions))
    return result.rowcount == 1


async def priors(conn: AsyncConnection, proposal_id: int) -> list:
    """Each group's remembered state in a proposal."""
    return list(await conn.execute(
        select(merge_members.c.group_id, merge_members.c.prior_status,
               merge_members.c.prior_permissions, merge_members.c.read_only_at,
               groups.c.chat_id, groups.c.platform)
        .join(groups, groups.c.id == merge_members.c.group_id)
        .where(merge_members.c.proposal_id == proposal_id)))


async def due_read_only(conn: AsyncConnection, executed_before: datetime) -> list:
    """Absorbed Telegram groups of merges older than the grace period, not yet read-only."""
    return list(await conn.execute(
        select(proposals.c.id, merge_members.c.group_id, groups.c.chat_id)
        .join(merge_members, merge_members.c.proposal_id == proposals.c.id)
        .join(groups, groups.c.id == merge_members.c.group_id)
        .where(proposals.c.status == "executed",
               proposals.c.executed_at <= as_utc(executed_before),
               merge_members.c.group_id != proposals.c.survivor_id,
               merge_members.c.read_only_at.is_(None),
               groups.c.platform == "telegram")))
