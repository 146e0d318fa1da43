"""Use case: build the weekly digest from the database."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import date, datetime, time, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from groupbot.clock import Clock
from groupbot.domain.burden import burden, reduction
from groupbot.domain.digest import IN_PLAY, Digest, ProposalLine, iso_week, share
from groupbot.messages import t
from groupbot.storage import digest_rows, outbox_rows, proposals
from groupbot.storage.db import reader
from groupbot.storage.outbox_rows import Outgoing

log = logging.getLogger(__name__)
# Renders a digest for a chat as outbox messages: (chat id, digest, table rows).
Render = Callable[[int, Digest, list], Awaitable[list[Outgoing]]]
SOON_DAYS = 14
PHOTO_MIN_MESSAGES = 10  # a photo share of a nearly silent group says nothing
TOP_PROPOSALS = 5
TOP_PHOTO_GROUPS = 5
HISTORY_WEEKS = 12


class DigestService:
    """Reads the week's figures; builds a Digest (rendering is the adapters' job)."""

    def __init__(self, engine: AsyncEngine, clock: Clock, baseline_date: date | None = None,
                 anonymise: bool = False, top_members: int = 10, language: str = "zh"):
        self._engine = engine
        self._reader = reader(engine)
        self._clock = clock
        self._tz = clock.tz
        self._baseline_date = baseline_date
        self._anonymise = anonymise
        self._top_members = top_members
        self._language = language

    def today(self) -> date:
        """The local date."""
        return self._clock.today()

    async def weekly(self, chat_id: int, render: Render, due: datetime | None = None
                     ) -> list[int] | None:
        """The digest of the week of `due` for a chat: claimed once, with its messages.

        Returns the outbox ids to deliver, or None when that week is over (a run caught up
        after downtime) or its digest was already claimed. The claim and the messages commit
        together: a crash before leaves the week open, after it whoever delivers next sends
        the rest.
        """
        today = self.today()
        week = iso_week(due.astimezone(self._tz).date() if due else today)
        if week != iso_week(today):
            log.info("skipping the digest of %s: that week is over", week)
            return None
        messages = await render(chat_id, await self.build(today), await self.table(today))
        return await self.claim(chat_id, week, messages)
    def _pseudonym(self, code: str) -> str:
        return t("digest.pseudonym", self._language, code=code)

    async def table(self, as_of: date) -> list:
        """One row per group with its week's figures, for the digest's table."""
        async with self._reader.connect() as conn:
            return await digest_rows.table_rows(conn, as_of - timedelta(days=6), as_of)

    async def claim(self, chat_id: int, week: str, messages: list[Outgoing]) -> list[int] | None:
        """Take this week's digest for a chat once, storing its messages in the outbox.

        Returns the outbox ids to deliver, or None when the week was already taken.
        """
        async with self._engine.begin() as conn:
            now = self._clock.now()
            if not await digest_rows.claim_week(conn, chat_id, week, now):
                return None
            return await outbox_rows.add(conn, messages, now)

    def _moment(self, day: date) -> datetime:
        return datetime.combine(day, time(0), self._tz)

    async def build(self, as_of: date) -> Digest:
        """The digest of the ISO week containing `as_of` (figures up to the end of that day)."""
        week_start = as_of - timedelta(days=as_of.weekday())
        end = self._moment(as_of + timedelta(days=1))
        async with self._reader.connect() as conn:
            by_status = await digest_rows.status_counts(conn)
            # Without a baseline date, the inventory as first taken (every group ever
            # registered) is the baseline.
            baseline = await digest_rows.registered_by(
                conn, self._moment(self._baseline_date + timedelta(days=1))) \
                if self._baseline_date else None
            changes = await digest_rows.changes_between(conn, self._moment(week_start), end)
            pending = (await proposals.load(conn, status="pending"))[:TOP_PROPOSALS]
            ending = await digest_rows.ending_between(
                conn, as_of, as_of + timedelta(days=SOON_DAYS), IN_PLAY)
            expiring = await digest_rows.exemptions_between(
                conn, as_of, as_of + timedelta(days=SOON_DAYS))
            counts, names = await digest_rows.groups_per_member(conn, IN_PLAY)
            week = await digest_rows.week_activity(conn, as_of - timedelta(days=6), as_of)
            week_ends = [as_of - timedelta(weeks=w) for w in range(HISTORY_WEEKS - 1, -1, -1)]
            history = await digest_rows.in_play_history(
                conn, [self._moment(d + timedelta(days=1)) for d in week_ends], IN_PLAY)
        in_play = sum(n for s, n in by_status.items() if s in IN_PLAY)
        baseline = sum(by_status.values()) if baseline is None else baseline
        messages = sum(int(r.messages or 0) for r in week)
        return Digest(
            week=iso_week(as_of), as_of=as_of, by_status=by_status,
            total=sum(by_status.values()), in_play=in_play, baseline=baseline,
            reduction=reduction(baseline, in_play), changes=dict(changes),
            proposals=tuple(ProposalLine(p.id, p.titles, p.score, p.reasons[:2])
                            for p in pending),
            temporary_ending=tuple(ending), exemptions_expiring=tuple(expiring),
            burden=burden(counts, names, top=self._top_members, anonymise=self._anonymise,
                          pseudonym=self._pseudonym),
            messages_7d=messages,
            after_hours_share=share(sum(int(r.after_hours or 0) for r in week), messages),
            photo_share=_photo_groups(week),
            history=_since_first(tuple(zip((iso_week(d) for d in week_ends), history,
                                           strict=True))))


def _since_first(history: tuple) -> tuple:
    """Weeks from the first one with any group: before it, the inventory did not exist."""
    first = next((i for i, (_, n) in enumerate(history) if n), len(history))
    return history[first:]


def _photo_groups(week: list) -> tuple[tuple[str, float], ...]:
    ranked = sorted(((r.title, int(r.photos or 0) / int(r.messages)) for r in week
                     if int(r.messages or 0) >= PHOTO_MIN_MESSAGES and r.photos),
                    key=lambda x: -x[1])
    return tuple(ranked[:TOP_PHOTO_GROUPS])
