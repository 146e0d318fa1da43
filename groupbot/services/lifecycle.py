"""Use cases: scan for zombie and expired temporary groups, keep, declare temporary, restore."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from groupbot.clock import Clock
from groupbot.domain.clock import as_utc
from groupbot.domain.lifecycle import (
    Action,
    Decision,
    GroupLife,
    LifecycleSettings,
    apply,
    decide,
)
from groupbot.domain.textnorm import looks_temporary
from groupbot.storage import bot_state, lifecycle_rows, outbox_rows
from groupbot.storage.db import reader
from groupbot.storage.group_rows import (
    GroupKey,
    public_chat_id,
    set_status,
)
from groupbot.storage.outbox_rows import Outgoing

POLICY_START_KEY = "lifecycle.policy_start"
ASKED = "awaiting_approval"  # stored as last_verdict once admins were asked to approve
ASK_END_DATE = "ask_end_date"  # a scan action: ask the owner once for a temporary group's end
ACTOR = "lifecycle"


@dataclass(frozen=True, slots=True)
class ScanItem:
    """One group a scan has something to say about."""

    pk: int
    chat_id: int | str
    platform: str
    title: str
    verdict: str | None
    last_active: date | None
    action: str  # none / review / warn_14 / archive / propose_archive / renew
    due_on: date | None
    members: int = 0  # what a farewell reports: member count, else members seen
    messages_30d: int = 0

    def json_row(self) -> dict:
        """The `groupbot scan --json` shape."""
        return {"chat_id": self.chat_id, "verdict": self.verdict,
                "last_active": self.last_active.isoformat() if self.last_active else None,
                "action": self.action}


# What a scan implies for Telegram, rendered by the caller: warnings, farewells, archiving…
Notices = Callable[[list[ScanItem], date], list[Outgoing]]


class LifecycleService:
    """Runs the lifecycle rules over every group; each scan is one transaction."""

    def __init__(self, engine: AsyncEngine, clock: Clock, settings: LifecycleSettings,
                 temporary_patterns: tuple[str, ...], exempt_chat_ids: tuple[str, ...] = (),
                 exempt_titles: tuple[str, ...] = ()):
        self._engine = engine
        self._exempt_ids = frozenset(str(c) for c in exempt_chat_ids)
        self._exempt_titles = re.compile("|".join(f"(?:{t})" for t in exempt_titles)) \
            if exempt_titles else None
        self._reader = reader(engine)
        self._clock = clock
        self._tz = clock.tz
        self._settings = settings
        self._patterns = tuple(temporary_patterns)

    def today(self) -> date:
        """The local date."""
        return self._clock.today()

    async def scan(self, today: date | None = None, *, dry_run: bool = False) -> list[ScanItem]:
        """Decide on every group; unless dry_run, store the outcome (nothing is sent)."""
        today = today or self.today()
        engine = self._reader if dry_run else self._engine
        async with engine.begin() as conn:
            return await self._scan(conn, today, dry_run)

    async def scan_and_notify(self, notices: Notices, today: date | None = None
                              ) -> tuple[list[ScanItem], list[int]]:
        """Scan, and store what it implies for Telegram in the same transaction.

        Returns the items and the outbox ids to deliver: a crash after the commit leaves the
        messages for whoever delivers next, a crash before leaves the scan undone.
        """
        today = today or self.today()
        async with self._engine.begin() as conn:
            items = await self._scan(conn, today, dry_run=False)
            ids = await outbox_rows.add(conn, notices(items, today), self._clock.now())
        return items, ids

    async def _scan(self, conn: AsyncConnection, today: date, dry_run: bool) -> list[ScanItem]:
        since = today - timedelta(days=29)
        rows = await lifecycle_rows.scan_rows(conn, since)
        start = await self._policy_start(conn, today, dry_run)
        items, updates = [], []
        for row in rows:
            life = self._life(row)
            decision = decide(life, today, start, self._settings)
            if decision.action is Action.PROPOSE_ARCHIVE and row.last_verdict == ASKED:
                decision = replace(decision, action=Action.NONE)  # admins were asked once
            item = self._item(row, life, decision)
            if item.action == Action.NONE and self._should_ask(row, life):
                item = replace(item, action=ASK_END_DATE)
                if not dry_run:
                    updates.append({"group_id": row.id, "asked_end_date": True})
            if item.verdict or item.action != Action.NONE:
                items.append(item)
            if not dry_run:
                await self._record(conn, row, life, decision, today, updates)
        if updates:
            await lifecycle_rows.save_states(conn, updates)
        return items

    async def _policy_start(self, conn: AsyncConnection, today: date, dry_run: bool) -> date:
        """The day of the first real scan: the rollout grace period counts from it."""
        value = await bot_state.get(conn, POLICY_START_KEY)
        if value is not None:
            return date.fromisoformat(value)
        if not dry_run:
            await bot_state.add(conn, POLICY_START_KEY, today.isoformat())
        return today

    def _local_day(self, value: datetime | None) -> date | None:
        return as_utc(value).astimezone(self._tz).date() if value else None

    def _life(self, row) -> GroupLife:
        temporary = bool(row.temporary) or row.expires_on is not None or looks_temporary(
            row.title or "", self._patterns)
        configured = row.chat_id in self._exempt_ids or bool(
            self._exempt_titles and self._exempt_titles.search(row.title or ""))
        return GroupLife(
            status=row.status, last_active=self._local_day(row.last_active),
            registered_on=row.created_on or self._local_day(row.registered_at),
            temporary=temporary, expires_on=row.expires_on,
            exempt=bool(row.exempt) or configured,
            exempt_until=None if configured else row.exempt_until,
            messages_30d=int(row.messages_30d),
            posters_30d=int(row.posters_30d), due_on=row.due_on,
            warnings_sent=_leads(row.warnings_sent), restored_until=row.restored_until,
            approved=bool(row.approved))

    @staticmethod
    def _should_ask(row, life: GroupLife) -> bool:
        """A group that looks temporary by its title, with no end date, asked only once."""
        return (life.temporary and row.expires_on is None and not row.asked_end_date
                and row.platform == "telegram" and life.status in ("active", "warned"))

    def _item(self, row, life: GroupLife, decision: Decision) -> ScanItem:
        action = decision.action.value
        if decision.action is Action.WARN:
            action = f"warn_{decision.lead_days}"
        return ScanItem(row.id, public_chat_id(row.platform, row.chat_id), row.platform,
                        row.title, decision.verdict.value if decision.verdict else None,
                        life.last_active, action, decision.due_on,
                        int(row.member_count or row.members_seen or 0), int(row.messages_30d))

    async def _record(self, conn: AsyncConnection, row, life: GroupLife, decision: Decision,
                      today: date, updates: list[dict]) -> None:
        after = apply(life, decision, today)
        verdict = decision.verdict.value if decision.verdict else None
        if decision.action is Action.PROPOSE_ARCHIVE or (
                row.last_verdict == ASKED and decision.due_on is not None):
            verdict = ASKED
        if (after.due_on, after.warnings_sent, verdict) != (life.due_on, life.warnings_sent,
                                                           row.last_verdict):
            state = {"group_id": row.id, "due_on": after.due_on,
                     "warnings_sent": _text(after.warnings_sent), "last_verdict": verdict}
            if decision.action is Action.ARCHIVE:
                state["prior_status"] = life.status
            updates.append(state)
        if after.status != life.status:
            key = GroupKey(row.id, row.title, life.status)
            await set_status(conn, key, after.status, at=self._clock.now(), actor=ACTOR,
                             reason=f"{verdict or 'activity'}: {decision.action.value}")


def _leads(text: str | None) -> frozenset[int]:
    return frozenset(int(x) for x in (text or "").split(",") if x)


def _text(leads: frozenset[int]) -> str:
    return ",".join(str(x) for x in sorted(leads, reverse=True))

