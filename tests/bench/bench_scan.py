"""Lifecycle scan over 100,000 groups on SQLite, against per-group queries in the same run.

Run: python -m tests.bench.bench_scan [--groups 100000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, select

from groupbot.domain.lifecycle import LifecycleSettings
from groupbot.services.lifecycle import LifecycleService
from groupbot.storage.activity import group_activity, member_activity, members
from groupbot.storage.db import make_engine
from groupbot.storage.group_rows import groups
from groupbot.storage.migrate import upgrade_async
from tests.clocks import suite_clock

TZ = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 11, 20)
SAMPLE = 2000


async def build(url: str, n: int) -> None:
    """n groups: a third zombies, some temporary, the rest with recent activity."""
    rng = random.Random(1)
    engine = make_engine(url)
    now = datetime(2026, 11, 20, 4, tzinfo=UTC)
    async with engine.begin() as conn:
        await conn.execute(insert(members), [{"platform": "telegram", "user_id": u,
                                              "display_name": f"u{u}", "is_bot": False}
                                             for u in range(1, 51)])
        rows, days, posters = [], [], []
        for pk in range(1, n + 1):
            idle = rng.choice([1, 3, 10, 45, 200]) if pk % 3 else 90
            title = "迎检临时工作群" if pk % 17 == 0 else "网格工作群"
            rows.append({"id": pk, "platform": "telegram", "chat_id": str(-100_000_000 - pk),
                         "title": f"第{pk}{title}", "status": "active",
                         "registered_at": now - timedelta(days=400),
                         "updated_at": now, "last_active": now - timedelta(days=idle)})
            if idle < 30:
                for d in range(0, 30, 10):
                    days.append({"group_id": pk, "day": TODAY - timedelta(days=d),
                                 "messages": 5, "bot_messages": 0, "service_messages": 0})
                    posters.append({"group_id": pk, "day": TODAY - timedelta(days=d),
                                    "member_id": 1 + pk % 50, "messages": 5})
        for table, data in ((groups, rows), (group_activity, days), (member_activity, posters)):
            for start in range(0, len(data), 20_000):
                await conn.execute(insert(table), data[start:start + 20_000])
    await engine.dispose()


async def per_group_queries(url: str, sample: int) -> float:
    """The naive way: three queries for each group (row, messages, posters)."""
    engine = make_engine(url)
    since = TODAY - timedelta(days=29)
    started = time.perf_counter()
    async with engine.connect() as conn:
        for pk in range(1, sample + 1):
            await conn.execute(select(groups).where(groups.c.id == pk))
            await conn.execute(select(func.sum(group_activity.c.messages)).where(
                group_activity.c.group_id == pk, group_activity.c.day >= since))
            await conn.execute(select(func.count(func.distinct(member_activity.c.member_id)))
                               .where(member_activity.c.group_id == pk,
                                      member_activity.c.day >= since))
    seconds = time.perf_counter() - started
    await engine.dispose()
    return seconds


async def timed_scan(url: str, dry_run: bool) -> tuple[float, int]:
    engine = make_engine(url)
    service = LifecycleService(engine, suite_clock(TZ), LifecycleSettings(),
                               ("临时", "专班", "迎检"))
    started = time.perf_counter()
    items = await service.scan(TODAY, dry_run=dry_run)
    seconds = time.perf_counter() - started
    await engine.dispose()
    return seconds, len(items)


async def main(n: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'scan.db'}"
        await upgrade_async(url)
        await build(url, n)
        dry, found = await timed_scan(url, dry_run=True)
        real, _ = await timed_scan(url, dry_run=False)
        again, _ = await timed_scan(url, dry_run=False)
        naive = await per_group_queries(url, min(SAMPLE, n)) * n / min(SAMPLE, n)
    return {"groups": n, "groups_reported": found, "dry_run_seconds": round(dry, 2),
            "first_real_scan_seconds": round(real, 2), "next_scan_seconds": round(again, 2),
            "per_group_queries_seconds_estimated": round(naive, 1),
            "speedup_vs_per_group": round(naive / real, 1)}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--groups", type=int, default=100_000)
    print(json.dumps(asyncio.run(main(parser.parse_args().groups)), indent=2))
