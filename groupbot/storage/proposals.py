"""Merge proposals: stored once per set of groups, superseded when the set changes."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select, update
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


async def record(conn: AsyncConnection, *, pks: tuple[int, ...], survivor: int, score: float,
                 reasons: tuple[str, ...], fingerprint: str, at: datetime) -> tuple[int, bool]:
    """Store a freshly computed proposal; returns (id, True if it is new to admins)."""
    key = group_key(pks)
    latest = (await conn.execute(
        select(proposals.c.id, proposals.c.status, proposals.c.fingerprint)
        .where(proposals.c.group_key == key).order_by(proposals.c.id.desc()).limit(1))).first()
    if latest is not None and (latest.status in OPEN or latest.fingerprint == fingerprint):
        if latest.status in OPEN:  # same groups still pending: refresh, do not duplicate
            await conn.execute(update(proposals).where(proposals.c.id == latest.id).values(
                score=score, reasons=json.dumps(reasons, ensure_ascii=False),
                survivor_id=survivor, fingerprint=fingerprint))
        return latest.id, False
    await supersede_overlapping(conn, pks)
    new_id = (await conn.execute(insert(proposals).values(
        group_key=key, fingerprint=fingerprint, status="pending", survivor_id=survivor,
        score=score, reasons=json.dumps(reasons, ensure_ascii=False), created_at=as_utc(at),
    ).returning(proposals.c.id))).scalar_one()
    await conn.execute(insert(merge_members),
                       [{"proposal_id": new_id, "group_id": pk} for pk in pks])
    return new_id, True


async def supersede_overlapping(conn: AsyncConnection, pks: tuple[int, ...]) -> None:
    """Pending proposals sharing a group with a new one give way to it."""
    overlapping = select(merge_members.c.proposal_id).where(merge_members.c.group_id.in_(pks))
    await conn.execute(update(proposals).where(proposals.c.status.in_(OPEN),
                                               proposals.c.id.in_(overlapping))
                       .values(status="superseded"))


async def load(conn: AsyncConnection, ids: list[int] | None = None,
               status: str | None = None) -> list[StoredProposal]:
    """Proposals by id and/or status, newest first."""
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
                         status: str | None = None, permissions: str | None = None,
                         read_only_at: datetime | None = None) -> None:
    """Keep what a group was before the merge touched it."""
    values = {}
    if status is not None:
        values["prior_status"] = status
    if permissions is not None:
        values["prior_permissions"] = permissions
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
