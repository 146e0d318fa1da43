"""Ingestion throughput: the real bot vs a no-op PTB Application, same fake Bot API, same run.

Run: python -m tests.bench.bench_ingest [--groups 200] [--members 50] [--updates 20000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from pathlib import Path

from telegram import Update
from telegram.ext import ApplicationBuilder, TypeHandler

from groupbot.app import build_runtime, serve
from groupbot.config import Config, DatabaseConfig, TelegramConfig
from groupbot.storage.migrate import upgrade_async
from tests.fakebot import FakeBotApi, group, message_update, user


def traffic(groups: int, members: int, updates: int) -> list[dict]:
    """Messages spread over groups; each group has its own members."""
    chats = [group(-1001000 - g, f"第{g}网格工作群") for g in range(groups)]
    people = [[user(10_000 * (g + 1) + m, f"网格员{g}-{m}") for m in range(members)]
              for g in range(groups)]
    return [message_update(chats[i % groups], people[i % groups][(i // groups) % members],
                           text="收到") for i in range(updates)]


async def noop_baseline(updates: list[dict]) -> float:
    """Seconds for a PTB Application (its own Updater) whose handler does nothing."""
    seen = 0
    done = asyncio.Event()

    async def noop(update: Update, context) -> None:
        nonlocal seen
        seen += 1
        if seen == len(updates):
            done.set()

    with FakeBotApi() as api:
        api.push_updates(updates)
        app = ApplicationBuilder().token(api.token).base_url(api.base_url).build()
        app.add_handler(TypeHandler(Update, noop))
        started = time.perf_counter()
        async with app:
            await app.start()
            await app.updater.start_polling(timeout=1)
            await done.wait()
            elapsed = time.perf_counter() - started
            await app.updater.stop()
            await app.stop()
    return elapsed


async def groupbot_run(updates: list[dict], workdir: Path) -> float:
    """Seconds for the real bot to commit and acknowledge every update (SQLite file)."""
    url = f"sqlite:///{workdir / f'bench-{time.monotonic_ns()}.db'}"
    await upgrade_async(url)
    with FakeBotApi() as api:
        api.push_updates(updates)
        config = Config(telegram=TelegramConfig(token=api.token, base_url=api.base_url,
                                                poll_timeout=1),
                        database=DatabaseConfig(url=url))
        runtime = build_runtime(config)
        stop = asyncio.Event()
        started = time.perf_counter()
        task = asyncio.create_task(serve(runtime, stop))
        while api.pending_count():
            await asyncio.sleep(0.002)
        elapsed = time.perf_counter() - started
        stop.set()
        await task
        total = sum(r.messages_30d for r in await runtime.groups.inventory())
        if total != len(updates):
            raise AssertionError(f"counted {total} of {len(updates)} messages")
    return elapsed


async def main(args: argparse.Namespace) -> dict:
    updates = traffic(args.groups, args.members, args.updates)
    baseline, ours = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.repeat):
            baseline.append(await noop_baseline(updates))
            ours.append(await groupbot_run(updates, Path(tmp)))
    base_rate = len(updates) / statistics.median(baseline)
    our_rate = len(updates) / statistics.median(ours)
    return {"updates": len(updates), "groups": args.groups, "members": args.members,
            "noop_ptb_updates_per_s": round(base_rate), "groupbot_updates_per_s": round(our_rate),
            "ratio_to_noop": round(our_rate / base_rate, 3)}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--groups", type=int, default=200)
    parser.add_argument("--members", type=int, default=50)
    parser.add_argument("--updates", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    print(json.dumps(asyncio.run(main(parser.parse_args())), indent=2))
