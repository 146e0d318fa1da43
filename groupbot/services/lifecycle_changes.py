"""Use cases of people's explicit decisions: keep, declare temporary, restore, approve."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from groupbot.clock import Clock
from groupbot.domain.lifecycle import GroupLife, LifecycleSettings, restore
from groupbot.storage import lifecycle_rows, outbox_rows
from groupbot.storage.group_rows import (
    GroupKey,
    audit_event,
    find_group,
    key_by_pk,
    set_status,
    update_group,
)
from groupbot.storage.outbox_rows import Outgoing

# What a restore implies for Telegram: the group (chat id, platform) and the permissions it
# had before archiving.
RestoreNotices = Callable[[int | str, str, str | None], list[Outgoing]]


@dataclass(frozen=True)
class Restored:
    """A restored group, the permissions it had, and the outbox rows to deliver."""

    key: GroupKey
    prior_permissions: str | None
    outbox: list[int]


class NotArchived(LookupError):
    """Only an archived group can be restored."""


class LifecycleChanges:
    """Explicit decisions of people: keep a group, declare it temporary, restore it."""

    def __init__(self, engine: AsyncEngine, clock: Clock, settings: LifecycleSettings):
        self._engine = engine
        self._clock = clock
        self._tz = clock.tz
        self._settings = settings

    async def keep(self, chat_id: int | str, reason: str, until: date | None, actor: str,
                   platform: str = "telegram") -> GroupKey:
        """Exempt a group (indefinitely, or until a date); any countdown stops."""
        async with self._engine.begin() as conn:
            key = await self._group(conn, chat_id, platform)
            await lifecycle_rows.save_states(conn, [{
                "group_id": key.pk, "exempt": True, "exempt_until": until,
                "exempt_reason": reason[:500], "due_on": None, "warnings_sent": ""}])
            if key.status in ("active", "warned", "restored"):
                await set_status(conn, key, "exempt", at=self._clock.now(), actor=actor,
                                 reason=f"keep: {reason[:200]}")
        return key

    async def declare_temporary(self, chat_id: int | str, until: date, actor: str,
                                platform: str = "telegram") -> GroupKey:
        """Mark a group temporary, ending on `until`."""
        async with self._engine.begin() as conn:
            key = await self._group(conn, chat_id, platform)
            await lifecycle_rows.save_states(conn, [{"group_id": key.pk, "temporary": True}])
            await update_group(conn, key.pk, self._clock.now(), expires_on=until)
            await audit_event(conn, at=self._clock.now(), actor=actor, action="temporary",
                              group_pk=key.pk, until=until.isoformat())
        return key

    async def restore(self, chat_id: int | str, actor: str, platform: str = "telegram",
                      notices: RestoreNotices = lambda chat_id, platform, prior: []) -> Restored:
        """Bring an archived group back, with what that implies for Telegram in the outbox.

        The permissions it had before are handed to `notices` and forgotten here, so that a
        later archive remembers the permissions of that day.
        """
        today = self._clock.today()
        async with self._engine.begin() as conn:
            key = await self._group(conn, chat_id, platform)
            if key.status != "archived":
                raise NotArchived(chat_id)
            state = await lifecycle_rows.load_state(conn, key.pk)
            back = restore(GroupLife(status=key.status, last_active=None, registered_on=today),
                           today, self._settings)
            prior = state.prior_permissions if state else None
            await lifecycle_rows.save_states(conn, [{
                "group_id": key.pk, "restored_until": back.restored_until, "due_on": None,
                "warnings_sent": "", "approved": False, "prior_permissions": None}])
            await set_status(conn, key, "restored", at=self._clock.now(), actor=actor,
                             reason="restore")
            ids = await outbox_rows.add(conn, notices(chat_id, platform, prior),
                                      self._clock.now())
        return Restored(key, prior, ids)

    async def remember_permissions(self, group_pk: int, permissions: str) -> None:
        """Keep the permissions an archived group had (the first reading only)."""
        async with self._engine.begin() as conn:
            await lifecycle_rows.remember_permissions(conn, group_pk, permissions)

    async def reject_archive(self, group_pk: int, actor: str) -> None:
        """An admin refused to archive this group: it is kept until someone says otherwise."""
        async with self._engine.begin() as conn:
            await lifecycle_rows.save_states(conn, [{
                "group_id": group_pk, "exempt": True, "exempt_until": None,
                "exempt_reason": "archive refused by an admin", "due_on": None,
                "warnings_sent": "", "last_verdict": None}])
            await audit_event(conn, at=self._clock.now(), actor=actor, action="archive_refused",
                              group_pk=group_pk)
            key = await key_by_pk(conn, group_pk)
            if key.status in ("active", "warned", "restored"):
                await set_status(conn, key, "exempt", at=self._clock.now(), actor=actor,
                                 reason="archive refused")

    async def approve_archive(self, group_pk: int) -> None:
        """An admin approved archiving this group (require_approval)."""
        async with self._engine.begin() as conn:
            await lifecycle_rows.save_states(conn, [{"group_id": group_pk, "approved": True}])

    async def _group(self, conn: AsyncConnection, chat_id, platform: str) -> GroupKey:
        key = await find_group(conn, chat_id, platform)
        if key is None:
            raise LookupError(f"no such group: {chat_id}")
        return key
