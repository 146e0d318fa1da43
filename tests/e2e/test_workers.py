"""Several `groupbot run` workers on one PostgreSQL database behind one webhook port."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter

import httpx
import pytest
from sqlalchemy import func, select

from groupbot.storage.tables import Group, GroupActivity, JobRun, Lease
from tests.clocks import now
from tests.db_helpers import fetch
from tests.fakebot import FakeBotApi, command_update, group, message_update, user

pytestmark = [pytest.mark.postgres, pytest.mark.skipif(
    not os.environ.get("GROUPBOT_TEST_DATABASE_URL"),
    reason="GROUPBOT_TEST_DATABASE_URL is not set")]

WORKERS = 3
HEARTBEAT = 0.5
SECRET = "workers-secret"
GROUPS = [group(-1100 - i, f"第{i}网格群") for i in range(6)]


def write_config(tmp_path, api: FakeBotApi, db_url: str, port: int):
    path = tmp_path / "config.toml"
    path.write_text(
        f'log_level = "INFO"\nlog_format = "json"\n'
        f'[telegram]\ntoken = "{api.token}"\nbase_url = "{api.base_url}"\n'
        f'admins = [900]\n'
        f'[telegram.webhook]\nurl = "https://bot.example.org/hook"\nport = {port}\n'
        f'secret_token = "{SECRET}"\n'
        f'[cluster]\nheartbeat_seconds = {HEARTBEAT}\n'
        f'[database]\nurl = "{db_url}"\n', encoding="utf-8")
    return path


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(config_path, log_path) -> subprocess.Popen:
    with open(log_path, "ab") as log:
        return subprocess.Popen([sys.executable, "-m", "groupbot", "run", "--config",
                                 str(config_path)], stdout=log, stderr=subprocess.STDOUT)


async def leader(db_url: str) -> str | None:
    rows = await fetch(db_url, select(Lease.holder, Lease.expires_at)
                       .where(Lease.name == "scheduler"))
    from groupbot.domain.clock import as_utc

    return rows[0][0] if rows and as_utc(rows[0][1]) > now() else None


async def deliver_all(port: int, updates: list[dict]) -> list[int]:
    """Post every update twice over many connections, as Telegram's retries might."""
    limits = httpx.Limits(max_connections=16)
    url = f"http://127.0.0.1:{port}/hook"
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    semaphore = asyncio.Semaphore(16)

    async def one(client, update):
        async with semaphore:
            return (await client.post(url, json=update, headers=headers)).status_code

    statuses = []
    for _ in range(2):
        # A fresh client per round: new connections, so the kernel spreads them over workers.
        async with httpx.AsyncClient(limits=limits, timeout=30) as client:
            statuses += await asyncio.gather(*(one(client, u) for u in updates))
    return statuses


async def wait_listening(port: int) -> None:
    for _ in range(600):
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            return
        except OSError:
            await asyncio.sleep(0.05)
    raise AssertionError("no worker listens")


def test_workers_share_updates_once_and_a_new_leader_takes_over(db_url, tmp_path):
    if not db_url.startswith("postgresql"):
        pytest.skip("several workers are for PostgreSQL")
    port = free_port()
    logs = [tmp_path / f"worker{i}.log" for i in range(WORKERS)]
    with FakeBotApi() as api:
        config = write_config(tmp_path, api, db_url, port)
        procs = [start(config, log) for log in logs]
        try:
            asyncio.run(wait_listening(port))
            updates, expected = [], Counter()
            for n in range(300):
                chat = GROUPS[n % len(GROUPS)]
                updates.append({"update_id": 10_000 + n,
                                **message_update(chat, user(200 + n % 7, f"网格员{n % 7}"),
                                                 text="收到")})
                expected[chat["id"]] += 1
            commands = [{"update_id": 20_000 + i, **command_update(g, user(900, "督导"),
                                                                   "/status")}
                        for i, g in enumerate(GROUPS)]
            for g in GROUPS:
                expected[g["id"]] += 1  # a command is a message too
            statuses = asyncio.run(deliver_all(port, updates + commands))
            assert set(statuses) == {200}, "".join(log.read_text()[-3000:] for log in logs)
            assert api.wait_for(lambda a: all(len(a.sent_texts(g["id"])) >= 1 for g in GROUPS),
                                timeout=30)
            time.sleep(1.0)  # a doubled handler run would show up by now
            for g in GROUPS:
                assert len(api.sent_texts(g["id"])) == 1, "a command was answered twice"
            counted = dict(asyncio.run(fetch(db_url, select(
                Group.chat_id, func.sum(GroupActivity.messages))
                .join(GroupActivity, GroupActivity.group_id == Group.id)
                .group_by(Group.chat_id))))
            assert {int(k): int(v) for k, v in counted.items()} == dict(expected)
            served = [log.read_text() for log in logs]
            assert sum("groupbot is running" in s for s in served) == WORKERS

            # The leader dies: another worker leads within two heartbeats.
            holder = asyncio.run(leader(db_url))
            assert holder is not None
            pid = int(holder.split(":")[1])
            victim = next(p for p in procs if p.pid == pid)
            victim.send_signal(signal.SIGKILL)
            victim.wait(timeout=10)
            killed = time.monotonic()
            successor = None
            while successor in (None, holder):
                assert time.monotonic() - killed < 2 * HEARTBEAT * 1.5 + 1.0, \
                    "no new leader in time"
                time.sleep(0.05)
                successor = asyncio.run(leader(db_url))
            took = time.monotonic() - killed
            print(f"takeover after {took:.2f}s (heartbeat {HEARTBEAT}s)")
            # Two heartbeats, plus the time this test takes to look (a fresh connection).
            assert took <= 2 * HEARTBEAT + 0.3, f"takeover took {took:.2f}s"
            # Each due job ran once across all workers (each run is a row; each row ran once).
            runs = asyncio.run(fetch(db_url, select(JobRun.name, JobRun.attempts)))
            ran = Counter()
            for log in logs:
                for line in log.read_text().splitlines():
                    if '"message": "running ' in line:
                        ran[line.split('"message": "running ')[1].split()[0]] += 1
            assert ran and all(ran[name] == attempts for name, attempts in runs), (ran, runs)
        finally:
            for proc in procs:
                if proc.poll() is None:
                    proc.send_signal(signal.SIGTERM)
            codes = [proc.wait(timeout=60) for proc in procs]
    assert codes.count(0) == WORKERS - 1
    text = "".join(log.read_text() for log in logs)
    entries = [json.loads(line) for line in text.splitlines()]  # structured: JSON per line
    assert {"time", "level", "logger", "message", "pid"} <= set(entries[0])
    assert api.token not in text and SECRET not in text and "Traceback" not in text
