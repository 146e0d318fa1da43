"""Leases (the scheduler leader, each worker's liveness) and claimed runs of scheduled jobs."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from groupbot.domain.clock import as_utc
from groupbot.storage.sqlx import upsert
from groupbot.storage.tables import JobRun, Lease

leases = Lease.__table__
job_runs = JobRun.__table__


async def acquire(conn: AsyncConnection, name: str, holder: str, now: datetime,
                  ttl: timedelta) -> bool:
    """Take or renew a lease; True when `holder` holds it until now + ttl.

    A lease row, unlike a PostgreSQL advisory lock, survives a transaction-pooling proxy.
    """
    stmt = upsert(conn, leases).values(name=name, holder=holder, expires_at=now + ttl)
    stmt = stmt.on_conflict_do_update(
        index_elements=[leases.c.name],
        set_={"holder": stmt.excluded.holder, "expires_at": stmt.excluded.expires_at},
        where=(leases.c.holder == holder) | (leases.c.expires_at < now))
    await conn.execute(stmt)
    current = await conn.execute(select(leases.c.holder).where(leases.c.name == name))
    return current.scalar() == holder


async def release(conn: AsyncConnection, holder: str) -> None:
    """Give up every lease `holder` has (a clean shutdown), so others need not wait."""
    await conn.execute(delete(leases).where(leases.c.holder == holder))


async def live_holders(conn: AsyncConnection, now: datetime) -> list[str]:
    """Holders of unexpired leases: the workers still alive."""
    rows = await conn.execute(select(leases.c.holder).where(leases.c.expires_at > now)
                              .distinct())
    return [r[0] for r in rows]


async def prune_expired(conn: AsyncConnection, before: datetime) -> None:
    """Forget the leases of workers long gone, and runs finished before `before`."""
    await conn.execute(delete(leases).where(leases.c.expires_at < before))
    await conn.execute(delete(job_runs).where(job_runs.c.finished_at < before))


async def claim_run(conn: AsyncConnection, name: str, due: datetime, holder: str,
                    now: datetime, max_attempts: int) -> bool:
    """Take the run of `name` due at `due`: True when `holder` should run it now.

    A finished run is never taken again; an unfinished one only from a holder whose lease
    has lapsed (it died mid-run), or by its own holder retrying, up to `max_attempts`.
    """
    alive = [h for h in await live_holders(conn, now) if h != holder]
    stmt = upsert(conn, job_runs).values(name=name, due_at=due, holder=holder, attempts=1,
                                         started_at=now, finished_at=None)
    takeable = job_runs.c.finished_at.is_(None) & (job_runs.c.attempts < max_attempts)
    if alive:
        takeable &= job_runs.c.holder.not_in(alive)
    stmt = stmt.on_conflict_do_update(
        index_elements=[job_runs.c.name, job_runs.c.due_at],
        set_={"holder": holder, "started_at": now, "attempts": job_runs.c.attempts + 1},
        where=takeable)
    await conn.execute(stmt)
    row = (await conn.execute(select(job_runs.c.holder, job_runs.c.started_at)
                              .where(job_runs.c.name == name, job_runs.c.due_at == due))).one()
    return row.holder == holder and as_utc(row.started_at) == now


async def finish_run(conn: AsyncConnection, name: str, due: datetime, now: datetime) -> None:
    """Mark a run done."""
    await conn.execute(update(job_runs).where(job_runs.c.name == name, job_runs.c.due_at == due)
                       .values(finished_at=now))
