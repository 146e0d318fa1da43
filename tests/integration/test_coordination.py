"""Several workers on one database: one leader, takeover, runs and updates claimed once."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

from groupbot.config import Config
from groupbot.services.coordination import Coordinator
from groupbot.services.ingest import IngestService
from groupbot.services.jobs import JobRunner, ScheduledJob
from groupbot.storage import coordination_rows
from groupbot.storage.db import make_engine
from groupbot.storage.inbox import InboxItem
from tests.clocks import now, suite_clock

HEARTBEAT = 0.3
EVERY_MINUTE = "* * * * *"


def worker(engine, name: str, heartbeat: float) -> Coordinator:
    """A worker's coordinator on the suite's clock."""
    return Coordinator(engine, heartbeat, name, clock=suite_clock())


async def test_one_leader_and_takeover_within_two_heartbeats(db_url):
    engine = make_engine(db_url)
    workers = [worker(engine, f"w{i}", HEARTBEAT) for i in range(3)]
    stops = [asyncio.Event() for _ in workers]
    tasks = [asyncio.create_task(w.run(s)) for w, s in zip(workers, stops, strict=True)]
    await asyncio.sleep(HEARTBEAT * 2)
    leaders = [w for w in workers if w.is_leader]
    assert len(leaders) == 1
    leader = leaders[0]
    index = workers.index(leader)
    # The leader dies without a word: its task is cancelled, its lease stays until it lapses.
    tasks[index].cancel()
    died = time.monotonic()
    leader._leader_until = 0
    while not any(w.is_leader for w in workers if w is not leader):
        assert time.monotonic() - died < HEARTBEAT * 2 + 0.15, "no takeover in two heartbeats"
        await asyncio.sleep(0.01)
    assert sum(w.is_leader for w in workers) == 1
    for i, stop in enumerate(stops):
        if i != index:
            stop.set()
    await asyncio.gather(*(t for i, t in enumerate(tasks) if i != index))
    await engine.dispose()


async def test_a_clean_stop_hands_over_at_once(db_url):
    engine = make_engine(db_url)
    first, second = worker(engine, "a", 60), worker(engine, "b", 60)
    assert await first.beat() and not await second.beat()
    await first.release()
    assert await second.beat()
    assert await second.live_workers() == ["b"]
    await engine.dispose()


async def test_a_lease_is_renewed_only_by_its_holder(db_url):
    engine = make_engine(db_url)
    at = now()
    async with engine.begin() as conn:
        assert await coordination_rows.acquire(conn, "x", "a", at, timedelta(seconds=5))
        assert not await coordination_rows.acquire(conn, "x", "b", at, timedelta(seconds=5))
        assert await coordination_rows.acquire(conn, "x", "a", at, timedelta(seconds=5))
        later = at + timedelta(seconds=6)
        assert await coordination_rows.acquire(conn, "x", "b", later, timedelta(seconds=5))
    await engine.dispose()


def _runner(engine, coordinator, runs: list, *, fail: bool = False):
    async def action(due):
        runs.append((coordinator.worker_id, due))
        if fail:
            raise RuntimeError("boom")
    job = ScheduledJob("tick", EVERY_MINUTE, timedelta(minutes=5), action)
    return JobRunner(engine, coordinator, suite_clock(Config().tz), [job])


async def test_each_due_time_runs_once_across_workers(db_url):
    engine = make_engine(db_url)
    runs: list = []
    a, b = worker(engine, "a", 60), worker(engine, "b", 60)
    assert await a.beat()
    b._leader_until = time.monotonic() + 60  # both believe they lead, as during a handover
    results = await asyncio.gather(_runner(engine, a, runs).run_due("tick"),
                                   _runner(engine, b, runs).run_due("tick"))
    assert sorted(results) == [False, True] and len(runs) == 1
    assert not await _runner(engine, a, runs).run_due("tick")  # finished: never again
    await engine.dispose()


async def test_a_run_cut_short_is_taken_over_once_its_holder_is_gone(db_url):
    engine = make_engine(db_url)
    runs: list = []
    dead, heir = worker(engine, "dead", 60), worker(engine, "heir", 60)
    assert await dead.beat()
    assert not await _runner(engine, dead, runs, fail=True).run_due("tick")  # died mid-run
    heir._leader_until = time.monotonic() + 60
    assert not await _runner(engine, heir, runs).run_due("tick")  # its holder is still alive
    await dead.release()  # ... until its lease is gone
    assert await _runner(engine, heir, runs).run_due("tick")
    assert [w for w, _ in runs] == ["dead", "heir"]
    await engine.dispose()


async def test_a_failing_run_is_retried_a_bounded_number_of_times(db_url):
    engine = make_engine(db_url)
    runs: list = []
    leader = worker(engine, "a", 60)
    assert await leader.beat()
    runner = _runner(engine, leader, runs, fail=True)
    for _ in range(5):
        await runner.run_due("tick")
    assert len(runs) == 3
    await engine.dispose()


async def test_a_follower_does_not_run_jobs(db_url):
    engine = make_engine(db_url)
    runs: list = []
    leader, follower = worker(engine, "a", 60), worker(engine, "b", 60)
    assert await leader.beat() and not await follower.beat()
    assert _runner(engine, follower, runs).fire("tick") is None
    await _runner(engine, leader, runs).fire("tick")
    assert [w for w, _ in runs] == ["a"]
    await engine.dispose()


async def test_inbox_updates_are_claimed_by_one_worker_each(db_url):
    engine = make_engine(db_url)
    ingest = IngestService(engine, suite_clock(Config().tz))
    items = [InboxItem(i, "message", {"update_id": i}) for i in range(1, 41)]
    await ingest.commit([], items, None, 41)
    a, b = worker(engine, "a", 60), worker(engine, "b", 60)
    await a.beat()
    await b.beat()
    first, second = await asyncio.gather(ingest.claim("a", 25), ingest.claim("b", 25))
    ids_a, ids_b = {i.update_id for i in first}, {i.update_id for i in second}
    assert not ids_a & ids_b and len(ids_a | ids_b) == 40
    assert [i.update_id for i in first] == sorted(ids_a)
    # b dies holding its updates: once its lease is gone, a takes them over.
    assert {i.update_id for i in await ingest.claim("a")} == ids_a
    async with engine.begin() as conn:
        await coordination_rows.release(conn, "b")
    assert {i.update_id for i in await ingest.claim("a")} == ids_a | ids_b
    await engine.dispose()


async def test_a_job_that_ignores_its_cancellation_does_not_hold_up_stopping(db_url, caplog,
                                                                            monkeypatch):
    monkeypatch.setattr("groupbot.services.jobs.STOP_REPORT_SECONDS", 0.3)
    engine = make_engine(db_url)
    leader = worker(engine, "a", 60)
    assert await leader.beat()
    started, release = asyncio.Event(), asyncio.Event()

    async def stubborn(due):
        started.set()
        while not release.is_set():
            try:
                await asyncio.sleep(0.05)
            except asyncio.CancelledError:
                continue  # swallows the cancellation, as a wedged driver call would
    runner = JobRunner(engine, leader, suite_clock(Config().tz),
                       [ScheduledJob("stuck", EVERY_MINUTE, timedelta(minutes=5), stubborn)])
    task = runner.fire("stuck")
    await asyncio.wait_for(started.wait(), 10)
    began = time.monotonic()
    await runner.wait_idle(0)
    assert time.monotonic() - began < 2
    assert "did not stop" in caplog.text and "test_coordination.py" in caplog.text
    release.set()
    await asyncio.wait_for(task, 10)
    await engine.dispose()
