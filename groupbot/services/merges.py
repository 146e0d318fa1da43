"""Use cases: decide on a proposal, execute the merge, revert it, make absorbed groups read-only."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from groupbot.clock import Clock
from groupbot.domain.events import GroupStatus
from groupbot.services.ingest import user_actor
from groupbot.storage import outbox_rows, proposals
from groupbot.storage.db import reader
from groupbot.storage.group_rows import (
    TELEGRAM,
    audit_event,
    groups,
    key_by_pk,
    public_chat_id,
    reachable,
    set_status,
)
from groupbot.storage.outbox_rows import PERMISSIONS, RESTRICT, Outgoing
from groupbot.storage.proposals import StoredProposal


@dataclass(frozen=True, slots=True)
class GroupInfo:
    """What the Telegram side needs to tell a group about a merge."""

    pk: int
    chat_id: int | str
    platform: str
    title: str
    bot_is_admin: bool


@dataclass(frozen=True, slots=True)
class Outcome:
    """The result of a button tap or command on a proposal."""

    result: str  # executed / rejected / already / missing / reverted
    proposal: StoredProposal | None = None
    survivor: GroupInfo | None = None
    absorbed: tuple[GroupInfo, ...] = ()
    outbox: tuple[int, ...] = ()  # messages stored with the merge, for the caller to deliver


class MergeService:
    """Decisions on proposals; each is one transaction, and each acts once.

    Who may decide is not checked here: callers ask groupbot.domain.authority first.
    """

    def __init__(self, engine: AsyncEngine, clock: Clock):
        self._engine = engine
        self._clock = clock
        self._reader = reader(engine)

    async def get(self, proposal_id: int) -> StoredProposal | None:
        """One stored proposal."""
        async with self._reader.connect() as conn:
            found = await proposals.load(conn, [proposal_id])
        return found[0] if found else None

    async def owners(self, proposal_id: int) -> tuple[int | None, ...]:
        """The owner of each group in a proposal (empty when there is no such proposal)."""
        async with self._reader.connect() as conn:
            found = await proposals.load(conn, [proposal_id])
            if not found:
                return ()
            rows = await conn.execute(select(groups.c.owner_user_id)
                                      .where(groups.c.id.in_(found[0].group_pks)))
            return tuple(owner for (owner,) in rows)

    async def decide(self, proposal_id: int, user_id: int | None, approve: bool,
                     notices: Callable[[Outcome], list[Outgoing]] = lambda outcome: []
                     ) -> Outcome:
        """Approve (and execute at once) or reject a pending proposal.

        An executed merge's `notices` (announcements to the absorbed groups) are stored in the
        same transaction, so a crash cannot leave a merge unannounced.
        """
        now = self._clock.now()
        async with self._engine.begin() as conn:
            found = await proposals.load(conn, [proposal_id])
            if not found:
                return Outcome("missing")
            proposal = found[0]
            status = "approved" if approve else "rejected"
            if not await proposals.decide(conn, proposal_id, status, user_id, now):
                return Outcome("already", proposal)
            await audit_event(conn, at=now, actor=user_actor(user_id), action=f"merge_{status}",
                              group_pk=proposal.survivor_pk, proposal=proposal_id)
            if not approve:
                return Outcome("rejected", proposal)
            outcome = await self._execute(conn, proposal, now, user_actor(user_id))
            ids = await outbox_rows.add(conn, notices(outcome), now)
            return dataclasses.replace(outcome, outbox=tuple(ids))

    async def _execute(self, conn: AsyncConnection, proposal: StoredProposal, now: datetime,
                       actor: str) -> Outcome:
        info = await _group_info(conn, proposal.group_pks)
        absorbed = tuple(info[pk] for pk in proposal.group_pks if pk != proposal.survivor_pk)
        for group in absorbed:
            key = await key_by_pk(conn, group.pk)
            await proposals.remember_prior(conn, proposal.id, group.pk, status=key.status)
            await set_status(conn, key, GroupStatus.MERGED, at=now, actor=actor,
                             reason=f"merge #{proposal.id}", merged_into=proposal.survivor_pk)
        await proposals.set_status(conn, proposal.id, "approved", "executed", executed_at=now)
        # Other pending proposals about these groups no longer describe reality.
        await proposals.supersede_overlapping(conn, proposal.group_pks)
        return Outcome("executed", proposal, info[proposal.survivor_pk], absorbed)

    async def revert(self, proposal_id: int, user_id: int | None, actor: str | None = None
                     ) -> Outcome:
        """Undo an executed merge: every absorbed group gets its previous state back.

        Giving back the permissions of groups made read-only is stored in the outbox with it.
        """
        now = self._clock.now()
        actor = actor or user_actor(user_id)
        async with self._engine.begin() as conn:
            found = await proposals.load(conn, [proposal_id])
            if not found:
                return Outcome("missing")
            if not await proposals.set_status(conn, proposal_id, "executed", "reverted",
                                              reverted_at=now):
                return Outcome("already", found[0])
            restore = []
            for prior in await proposals.priors(conn, proposal_id):
                if prior.prior_status is None:
                    continue  # the survivor was never changed
                key = await key_by_pk(conn, prior.group_id)
                await set_status(conn, key, prior.prior_status, at=now, actor=actor,
                                 reason=f"unmerge #{proposal_id}", merged_into=None)
                chat_id = public_chat_id(prior.platform, prior.chat_id)
                if prior.read_only_at is not None and prior.prior_permissions is not None \
                        and reachable(prior.platform, chat_id):
                    restore.append(Outgoing(chat_id, PERMISSIONS, {
                        "permissions": json.loads(prior.prior_permissions)}))
            await audit_event(conn, at=now, actor=actor, action="merge_reverted",
                              group_pk=found[0].survivor_pk, proposal=proposal_id)
            ids = await outbox_rows.add(conn, restore, now)
        return Outcome("reverted", found[0], outbox=tuple(ids))

    async def make_read_only(self, grace: timedelta) -> list[int]:
        """Absorbed groups past the grace period become read-only: returns the outbox ids.

        The decision and the change are stored together; the group's permissions of that
        moment are remembered when the change is carried out (`remember_permissions`).
        """
        now = self._clock.now()
        async with self._engine.begin() as conn:
            due = await proposals.due_read_only(conn, now - grace)
            for proposal_id, group_pk, _ in due:
                await proposals.remember_prior(conn, proposal_id, group_pk, read_only_at=now)
                await audit_event(conn, at=now, actor="system", action="read_only",
                                  group_pk=group_pk, proposal=proposal_id)
            targets = [(proposal_id, group_pk, public_chat_id(TELEGRAM, chat_id))
                       for proposal_id, group_pk, chat_id in due]
            return await outbox_rows.add(conn, [
                Outgoing(chat_id, RESTRICT, {"proposal_id": proposal_id, "group_pk": group_pk})
                for proposal_id, group_pk, chat_id in targets
                if reachable(TELEGRAM, chat_id)], now)

    async def remember_permissions(self, proposal_id: int, group_pk: int,
                                   permissions: str) -> None:
        """Keep what an absorbed group allowed before it was made read-only (first reading)."""
        async with self._engine.begin() as conn:
            await proposals.remember_permissions(conn, proposal_id, group_pk, permissions)


async def _group_info(conn: AsyncConnection, pks: tuple[int, ...]) -> dict[int, GroupInfo]:
    rows = await conn.execute(select(groups.c.id, groups.c.chat_id, groups.c.platform,
                                     groups.c.title, groups.c.bot_is_admin)
                              .where(groups.c.id.in_(pks)))
    return {r.id: GroupInfo(r.id, public_chat_id(r.platform, r.chat_id), r.platform, r.title,
                            bool(r.bot_is_admin)) for r in rows}
