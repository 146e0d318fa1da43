"""Digest for 50,000 groups and 250,000 members on SQLite, against aggregating in Python.

Run: python -m tests.bench.bench_digest [--groups 50000] [--members 250000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import tempfile
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select

from groupbot.reports.digest_csv import table_csv
from groupbot.services.digest import DigestService
from groupbot.storage.activity import group_activity, members, memberships
from groupbot.storage.db import make_engine
from groupbot.storage.group_rows import groups
from groupbot.storage.migrate import upgrade_async
from tests.clocks import suite_clock

TZ = ZoneInfo("Asia/Shanghai")
AS_OF = date(2026, 11, 20)
PER_GROUP = 20


async def build(url: str, n_groups: int, n_members: int) -> None:
    """Groups of 20 members each drawn from the population; 7 days of activity."""
    rng = random.Random(7)
    engine = make_engine(url)
    now = datetime(2026, 11, 20, tzinfo=UTC)
    async with engine.begin() as conn:
        rows = [{"id": m, "platform": "telegram", "user_id": m, "display_name": f"成员{m}",
                 "is_bot": False} for m in range(1, n_members + 1)]
        await _bulk(conn, members, rows)
        await _bulk(conn, groups, [
            {"id": g, "platform": "telegram", "chat_id": str(-100_000_000 - g),
             "title": f"第{g}工作群", "status": "active", "registered_at": now,
             "updated_at": now} for g in range(1, n_groups + 1)])
        await _bulk(conn, memberships, [
            {"group_id": g, "member_id": m, "status": "member", "message_count": 0}
            for g in range(1, n_groups + 1)
            for m in {rng.randint(1, n_members) for _ in range(PER_GROUP)}])
        await _bulk(conn, group_activity, [
            {"group_id": g, "day": AS_OF - timedelta(days=d), "messages": 10,
             "bot_messages": 0, "service_messages": 0, "after_hours": 3, "photos": 2}
            for g in range(1, n_groups + 1) for d in range(7)])
    await engine.dispose()


async def _bulk(conn, table, rows, chunk=50_000):
    for start in range(0, len(rows), chunk):
        await conn.execute(insert(table), rows[start:start + chunk])


async def in_python(url: str) -> float:
    """The naive way: fetch every membership and activity row, aggregate in Python."""
    engine = make_engine(url)
    started = time.perf_counter()
    async with engine.connect() as conn:
        per_member: Counter = Counter()
        for _group, member_id, status in await conn.execute(
                select(memberships.c.group_id, memberships.c.member_id, memberships.c.status)):
            if status == "member":
                per_member[member_id] += 1
        totals: Counter = Counter()
        for row in await conn.execute(select(group_activity).where(
                group_activity.c.day >= AS_OF - timedelta(days=6))):
            totals["messages"] += row.messages
            totals["after_hours"] += row.after_hours
        sorted(per_member.values())
    seconds = time.perf_counter() - started
    await engine.dispose()
    return seconds


async def digest_seconds(url: str) -> tuple[float, float]:
    engine = make_engine(url)
    service = DigestService(engine, suite_clock(TZ))
    started = time.perf_counter()
    digest = await service.build(AS_OF)
    built = time.perf_counter() - started
    table_csv(await service.table(AS_OF))
    with_csv = time.perf_counter() - started
    await engine.dispose()
    assert digest.total > 0 and digest.burden.members > 0
    return built, with_csv


async def main(n_groups: int, n_members: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'digest.db'}"
        await upgrade_async(url)
        await build(url, n_groups, n_members)
        naive = await in_python(url)
        built, with_csv = await digest_seconds(url)
    return {"groups": n_groups, "members": n_members, "digest_seconds": round(built, 2),
            "digest_and_csv_seconds": round(with_csv, 2),
            "python_aggregation_seconds": round(naive, 2),
            "ratio_to_python_aggregation": round(built / naive, 2)}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--groups", type=int, default=50_000)
    parser.add_argument("--members", type=int, default=250_000)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(main(args.groups, args.members)), indent=2))
