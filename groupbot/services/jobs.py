"""Scheduled jobs that run once per due time, on the leader, and catch up after downtime."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from groupbot.clock import Clock
from groupbot.scheduling import cron_trigger, last_fire
from groupbot.services.coordination import Coordinator
from groupbot.storage import coordination_rows as rows

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 3
RETRY_PAUSE = 60.0  # seconds after a failed run before it is tried again
# A cancelled run normally ends at once; one that does not is named in the log with where it
# waits (so a stuck shutdown can be diagnosed), and stopping goes on without it.
STOP_REPORT_SECONDS = 5.0


@dataclass(frozen=True)
class ScheduledJob:
    """A cron job and how late a missed run may still happen."""

    name: str
    cron: str
    grace: timedelta
    action: Callable[[datetime], Awaitable[object]]


class JobRunner:
    """Runs each due time of each job once across every worker, on the scheduler leader.

    The run is claimed in the database before it starts and marked when it ends, so a run cut
    short (the leader died, or stopped mid-job) is taken over by the next leader.
    """

    def __init__(self, engine: AsyncEngine, coordinator: Coordinator, clock: Clock,
                 jobs: list[ScheduledJob], on_run: Callable[[str], None] = lambda name: None):
        self._engine = engine
        self._coordinator = coordinator
        self._clock = clock
        self._jobs = {job.name: job for job in jobs}
        self._triggers = {job.name: cron_trigger(job.cron, clock.tz) for job in jobs}
        self._running: dict[str, asyncio.Task] = {}
        self._on_run = on_run
        self._closed = False
        self._failed_at: dict[str, float] = {}

    @property
    def jobs(self) -> list[ScheduledJob]:
        """The jobs, in the order given."""
        return list(self._jobs.values())

    async def catch_up(self) -> None:
        """Start every job whose latest due time has not been run yet (leader only)."""
        for name in self._jobs:
            self.fire(name)

    def fire(self, name: str) -> asyncio.Task | None:
        """Start the run of `name` for its latest due time, in the background."""
        if self._closed or not self._coordinator.is_leader or name in self._running:
            return None
        if time.monotonic() - self._failed_at.get(name, -RETRY_PAUSE) < RETRY_PAUSE:
            return None
        task = asyncio.create_task(self._guarded(name))
        self._running[name] = task
        task.add_done_callback(lambda _: self._running.pop(name, None))
        return task

    async def _guarded(self, name: str) -> None:
        try:
            await self.run_due(name)
        except Exception as exc:  # e.g. the database went away while claiming
            log.warning("could not run %s now (%s); the next heartbeat retries",
                        name, type(exc).__name__)

    async def run_due(self, name: str) -> bool:
        """Run `name` for its latest due time if nobody has; True when it ran to the end."""
        job = self._jobs[name]
        now = self._clock.now()
        due = last_fire(self._triggers[name], now, job.grace)
        if due is None:
            return False
        due = due.astimezone(UTC)
        async with self._engine.begin() as conn:
            mine = await rows.claim_run(conn, name, due, self._coordinator.worker_id, now,
                                        MAX_ATTEMPTS)
        if not mine:
            return False
        log.info("running %s (due %s)", name, due.isoformat())
        self._on_run(name)
        try:
            await job.action(due)
        except Exception:
            log.exception("job %s failed; it will be retried", name)
            self._failed_at[name] = time.monotonic()
            return False
        async with self._engine.begin() as conn:
            await rows.finish_run(conn, name, due, self._clock.now())
        return True

    def close(self) -> None:
        """Start no more runs (shutting down)."""
        self._closed = True

    async def wait_idle(self, timeout: float) -> None:
        """Let runs in progress finish; past `timeout` they are cancelled, to resume later."""
        running = list(self._running.values())
        if not running:
            return
        log.info("waiting up to %.0fs for %d running job(s)", timeout, len(running))
        _, late = await asyncio.wait(running, timeout=timeout)
        for task in late:
            task.cancel()
        if late:
            _, stuck = await asyncio.wait(late, timeout=STOP_REPORT_SECONDS)
            for task in stuck:  # shutting down goes on; the process leaves it behind
                log.warning("a job did not stop within %.0fs; it waits at %s",
                            STOP_REPORT_SECONDS, where(task))


def where(task: asyncio.Task) -> str:
    """The chain of awaits a task is suspended in, innermost first, as file:line names."""
    places, awaited = [], task.get_coro()
    while awaited is not None and len(places) < 12:
        frame = getattr(awaited, "cr_frame", None) or getattr(awaited, "ag_frame", None)
        if frame is not None:
            places.append(f"{frame.f_code.co_filename.rsplit('/', 1)[-1]}:{frame.f_lineno}")
        awaited = getattr(awaited, "cr_await", None) or getattr(awaited, "ag_await", None)
    return " <- ".join(reversed(places)) or "an unknown place"
