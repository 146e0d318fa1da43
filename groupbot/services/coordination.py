"""Several workers on one database: liveness leases and a single scheduler leader."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import timedelta

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from groupbot.clock import Clock
from groupbot.storage import coordination_rows as rows
from groupbot.storage.errors import is_transient

log = logging.getLogger(__name__)
LEADER_LEASE = "scheduler"
# The lease outlives one missed renewal; a follower retries twice per heartbeat, so a dead
# leader is replaced within two heartbeats of its last renewal.
TTL_HEARTBEATS = 1.5
# The leader stops acting a little before its lease lapses, leaving room for clock skew.
SELF_TRUST_HEARTBEATS = 1.25


def new_worker_id() -> str:
    """A name for this process, unique across restarts and hosts."""
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Coordinator:
    """Renews this worker's lease and competes for the scheduler lease every heartbeat."""

    def __init__(self, engine: AsyncEngine, heartbeat: float, worker_id: str | None = None, *,
                 clock: Clock):
        self.worker_id = worker_id or new_worker_id()
        self._engine = engine
        self._clock = clock
        self._heartbeat = heartbeat
        self._ttl = timedelta(seconds=heartbeat * TTL_HEARTBEATS)
        self._leader_until = 0.0
        self._on_leading: list[Callable[[], Awaitable[None]]] = []

    @property
    def heartbeat(self) -> float:
        """Seconds between renewals."""
        return self._heartbeat

    @property
    def is_leader(self) -> bool:
        """True while this worker's scheduler lease is surely still valid."""
        return time.monotonic() < self._leader_until

    def while_leading(self, callback: Callable[[], Awaitable[None]]) -> None:
        """Run `callback` after every heartbeat that finds this worker the leader."""
        self._on_leading.append(callback)

    async def beat(self) -> bool:
        """One heartbeat: renew liveness, take or renew leadership; returns is_leader."""
        started = time.monotonic()
        now = self._clock.now()
        async with self._engine.begin() as conn:
            await rows.acquire(conn, f"worker:{self.worker_id}", self.worker_id, now, self._ttl)
            leading = await rows.acquire(conn, LEADER_LEASE, self.worker_id, now, self._ttl)
        was_leader = self.is_leader
        self._leader_until = started + self._heartbeat * SELF_TRUST_HEARTBEATS if leading else 0
        if leading and not was_leader:
            log.info("worker %s is now the scheduler leader", self.worker_id)
        elif was_leader and not leading:
            log.warning("worker %s lost the scheduler lease", self.worker_id)
        return leading

    async def run(self, stop: asyncio.Event) -> None:
        """Heartbeat until `stop`, then release the leases so a successor need not wait.

        The caller sets `stop` only once this worker's own work has ended: until then the
        leases must stay, or others would take over work still in progress.
        """
        while not stop.is_set():
            try:
                if await self.beat():
                    for callback in self._on_leading:
                        await callback()
            except (SQLAlchemyError, OSError) as exc:
                level = logging.WARNING if is_transient(exc) else logging.ERROR
                log.log(level, "heartbeat failed (%s); will retry", type(exc).__name__)
            except Exception:  # a heartbeat must never stop for good
                log.exception("heartbeat failed; will retry")
            pause = self._heartbeat if self.is_leader else self._heartbeat / 2
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=pause)
        await self.release()

    async def release(self) -> None:
        """Drop this worker's leases (best effort: an unreachable database lets them lapse)."""
        self._leader_until = 0
        try:
            async with self._engine.begin() as conn:
                await rows.release(conn, self.worker_id)
        except (SQLAlchemyError, OSError) as exc:
            log.info("could not release leases (%s); they will lapse", type(exc).__name__)

    async def live_workers(self) -> list[str]:
        """Workers whose leases are current."""
        async with self._engine.connect() as conn:
            return await rows.live_holders(conn, self._clock.now())
