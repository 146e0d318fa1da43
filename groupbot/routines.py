"""The routine work: each routine runs one use case and delivers what it stored in the outbox.

The scheduler runs them on the leader; commands and buttons that mean the same run them too.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from groupbot.config import ScheduleConfig
from groupbot.services.digest import DigestService
from groupbot.services.jobs import ScheduledJob
from groupbot.services.lifecycle import LifecycleService
from groupbot.services.matching import MatchingService, MatchRun
from groupbot.services.merges import MergeService
from groupbot.services.privacy import PrivacyService
from groupbot.telegram.courier import Courier
from groupbot.telegram.digest_notices import DigestNotices
from groupbot.telegram.lifecycle_notices import LifecycleNotices, tally
from groupbot.telegram.merge_notices import MergeNotices

log = logging.getLogger(__name__)


@dataclass
class Routines:
    """Matching, the lifecycle scan, the weekly digest, pruning and the read-only sweep."""

    matching: MatchingService
    merges: MergeService
    scans: LifecycleService
    digests: DigestService
    privacy: PrivacyService
    merge_notices: MergeNotices
    lifecycle_notices: LifecycleNotices
    digest_notices: DigestNotices
    courier: Courier
    admin_chat_id: int | None
    read_only_after: timedelta
    retention_days: int

    async def match(self, announce_to: int | None = None) -> MatchRun:
        """Match now; proposals nobody has seen go to the admin chat (or `announce_to`)."""
        target = self.admin_chat_id if announce_to is None else announce_to
        run = await self.matching.run(self.merge_notices.proposals_to(target), details=False)
        await self.courier.deliver(list(run.outbox))
        return run

    async def scan(self, today: date | None = None) -> Counter:
        """The lifecycle scan with its warnings, archives and summary."""
        items, outbox = await self.scans.scan_and_notify(self.lifecycle_notices.scan, today)
        await self.courier.deliver(outbox)
        return tally(items)

    async def digest(self, due: datetime | None = None) -> bool:
        """The weekly digest to the admin chat, once per ISO week."""
        if self.admin_chat_id is None:
            return False
        outbox = await self.digests.weekly(self.admin_chat_id, self.digest_notices.messages,
                                           due)
        if outbox is None:
            return False
        await self.courier.deliver(outbox)
        return True

    async def read_only(self) -> None:
        """Absorbed groups past the grace period become read-only."""
        await self.courier.deliver(await self.merges.make_read_only(self.read_only_after))

    async def prune(self) -> None:
        """Activity older than the retention period goes."""
        days, handled = await self.privacy.prune(self.retention_days)
        if days or handled:
            log.info("pruned %d day rows and %d handled updates", days, handled)

    def jobs(self, schedule: ScheduleConfig) -> list[ScheduledJob]:
        """The schedule; the grace is how late a run missed while down may still happen."""
        async def matching(due: datetime) -> None:
            run = await self.match()
            log.info("daily matching: %d proposals, %d new (%s groups scored again)",
                     len(run.ids), len(run.new_ids), run.examined)

        async def scanning(due: datetime) -> None:
            log.info("daily lifecycle scan: %s", dict(await self.scan()))

        return [
            ScheduledJob("matching", schedule.match_cron, timedelta(hours=12), matching),
            ScheduledJob("scan", schedule.scan_cron, timedelta(hours=12), scanning),
            # The digest refuses a week that is over, and claims its week once.
            ScheduledJob("digest", schedule.digest_cron, timedelta(days=7), self.digest),
            ScheduledJob("prune", "0 3 * * *", timedelta(hours=20), _ignoring_due(self.prune)),
            ScheduledJob("read_only", "0 * * * *", timedelta(hours=1),
                         _ignoring_due(self.read_only)),
        ]


def _ignoring_due(action):
    async def run(due: datetime) -> None:
        await action()
    return run
