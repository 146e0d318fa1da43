"""SIGKILL the real bot 50 times each during ingestion, a merge execution and a digest send.

Afterwards totals are exact, no action is half-done or repeated, and the database is intact.
A message Telegram took just before the kill, which the bot had no time to record as sent, is
sent once more on recovery (Telegram offers no way to ask). So every repeated message must be
one that was both at Telegram and still in the outbox when a worker died.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import re
import sqlite3
import time
from collections import Counter
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from groupbot.app import build_runtime
from groupbot.config import load_config
from groupbot.storage.tables import AuditLog, Group, MergeProposal, OutboxMessage
from groupbot.telegram import callbacks
from tests import killer
from tests.clocks import pin, suite_clock, unix_now
from tests.db_helpers import fetch
from tests.e2e.conftest import ADMIN_CHAT, ADMIN_ID
from tests.e2e.test_kill_restart import Feeder, totals
from tests.fakebot import FakeBotApi, group, message_update, user

# 50 kills per action on SQLite (where PRAGMA integrity_check applies), 10 on PostgreSQL.
KILLS = {"sqlite": 50, "postgresql": 10}
HEARTBEAT = 0.1
SENDS = ("sendmessage", "sendphoto", "senddocument")
MIDWEEK = "2026-11-25T12:00:00+08:00"  # a Wednesday
NETWORK_DELAY = 0.06  # on the way to Telegram, in the digest test
IN_FLIGHT = 0.1


def write_config(path, api: FakeBotApi, db_url: str, **extra) -> str:
    lines = [f'[telegram]\ntoken = "{api.token}"\nbase_url = "{api.base_url}"\n'
             f'poll_timeout = 1\nadmins = [{ADMIN_ID}]\n'
             f'admin_chat_id = {extra.get("admin_chat", ADMIN_CHAT)}\n',
             f'[cluster]\nheartbeat_seconds = {HEARTBEAT}\n',
             f'[database]\nurl = "{db_url}"\n']
    schedule = {k: extra[k] for k in ("digest_cron", "scan_cron") if k in extra}
    if schedule:
        lines.append("[schedule]\n" + "".join(f'{k} = "{v}"\n' for k, v in schedule.items()))
    path.write_text("".join(lines), encoding="utf-8")
    return str(path)


def sends(api: FakeBotApi) -> list[dict]:
    """Every message the bot sent, in the order Telegram took them."""
    return [c for c in api.calls if c["method"].lower() in SENDS and "error" not in c]


KIND_METHOD = {"text": "sendmessage", "photo": "sendphoto", "document": "senddocument"}
LINK = re.compile(r"https://t\.me/\S+")


def identity(call: dict) -> tuple:
    """What makes a sent message the same message (invite links are fresh each time)."""
    p = call["params"]
    file = p.get("photo") or p.get("document") or {}
    text = LINK.sub("", p["text"]) if p.get("text") else None
    return (call["method"].lower(), p.get("chat_id"), text, p.get("caption"),
            file.get("filename") if isinstance(file, dict) else None)


def row_identity(chat_id: int, kind: str, body: str) -> tuple:
    """The identity of the message an outbox row becomes."""
    b = json.loads(body)
    text = b["text"].replace("{link}", "") if b.get("text") else None
    return (KIND_METHOD.get(kind, kind), chat_id, text, b.get("caption"), b.get("filename"))


def unexplained_repeats(api: FakeBotApi, ambiguous: set[tuple]) -> list[tuple]:
    """Messages sent twice although no worker died between sending and recording one."""
    copies = Counter(identity(call) for call in sends(api))
    return [m for m, n in copies.items() if n > 1 and m not in ambiguous]


def undelivered(db_url: str) -> set[tuple]:
    """Messages still in the outbox (the dead worker had not recorded them as sent)."""
    rows = asyncio.run(fetch(db_url, select(OutboxMessage.chat_id, OutboxMessage.kind,
                                            OutboxMessage.body)))
    return {row_identity(*row) for row in rows}


def integrity(db_url: str) -> None:
    if db_url.startswith("sqlite"):
        with sqlite3.connect(make_url(db_url).database) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def kill_at_random(api: FakeBotApi, config: str, log, rng: random.Random, window: float,
                   ambiguous: set[tuple] | None = None, db_url: str = "") -> bool:
    """Start a worker, let it poll, kill it at a random moment within `window`.

    Returns True when the kill left messages undelivered (it struck mid-delivery).
    """
    polled = api.get_updates_calls
    child = killer.spawn(config, log)
    assert killer.wait_until(lambda: api.get_updates_calls > polled, 30), log.read_text()
    time.sleep(rng.uniform(0, window))
    killer.kill(child)
    time.sleep(IN_FLIGHT)  # a request the worker sent just before dying still lands
    if ambiguous is None:
        return False
    # Sent, but still in the outbox: the only messages recovery may send a second time.
    left = undelivered(db_url)
    ambiguous |= {identity(call) for call in sends(api)} & left
    return bool(left)


async def count(db_url: str, statement) -> int:
    (row,) = await fetch(db_url, statement)
    return int(row[0] or 0)


def rounds(db_url: str) -> int:
    """How many times to kill the worker on this database."""
    return int(os.environ.get("GROUPBOT_KILL_ROUNDS") or KILLS[db_url.split(":")[0]])


def seed() -> int:
    return int(os.environ.get("GROUPBOT_TEST_SEED", time.time()))


def test_sigkill_during_ingestion(db_url, tmp_path):
    rng = random.Random(seed())
    expected: Counter = Counter()
    log = tmp_path / "bot.log"
    with FakeBotApi() as api:
        config = write_config(tmp_path / "config.toml", api, db_url)
        for _ in range(rounds(db_url)):
            feeder = Feeder(api, rng, expected)
            feeder.start()
            kill_at_random(api, config, log, rng, 0.3)
            feeder.stop()
        final = killer.spawn(config, log)
        assert api.wait_for(lambda a: a.pending_count() == 0, timeout=60), log.read_text()
        assert killer.terminate(final) == 0
    per_group, member_total, _ = asyncio.run(totals(db_url))
    assert per_group == dict(expected)
    assert member_total == sum(expected.values())
    integrity(db_url)
    assert api.token not in log.read_text() and "Traceback" not in log.read_text()


PAIRS = 50


def pair(i: int) -> tuple[dict, dict, list[dict]]:
    staff = [user(5000 + 10 * i + k, f"网格员{i}-{k}") for k in range(4)]
    return (group(-3000 - 2 * i, f"第{i}网格消防安全工作群"),
            group(-3001 - 2 * i, f"第{i}网格消防台账群(新)"), staff)


async def _proposals(start_bot) -> list[str]:
    """PAIRS proposals awaiting approval; returns each one's signed Approve data."""
    bot = await start_bot()
    for i in range(PAIRS):
        old, new, staff = pair(i)
        for chat in (old, new):
            bot.api.set_chat(chat["id"], title=chat["title"], member_count=5)
            await bot.add_to_group(chat)
        await bot.push(*[message_update(c, p, text="收到") for c in (old, new) for p in staff],
                       message_update(new, staff[0], text="x"))
    # Matched without posting: Telegram lets a bot post 20 messages a minute to one group.
    run = await bot.runtime.merges.matching.run()
    data = [callbacks.sign(bot.runtime.merges.secret, "ok", p.id, ADMIN_ID)
            for p in run.proposals]
    bot.stop.set()
    await bot.task
    return data


def tap(data: str) -> dict:
    """The admin taps Approve in a private chat with the bot (no per-group send limit there)."""
    return {"callback_query": {"id": f"cq{time.monotonic_ns()}", "from": user(ADMIN_ID, "督导"),
                               "chat_instance": "ci", "data": data,
                               "message": {"message_id": 1, "date": unix_now(),
                                           "chat": {"id": ADMIN_ID, "type": "private",
                                                    "first_name": "督导"}}}}


async def test_sigkill_during_merge_execution(start_bot, api, db_url, tmp_path):
    rng = random.Random(seed())
    approvals = await _proposals(start_bot)
    assert len(approvals) == PAIRS
    api.clear_calls()
    log = tmp_path / "bot.log"
    config = write_config(tmp_path / "config.toml", api, db_url)
    # A slow network on the way to Telegram keeps each announcement in flight a while, so that
    # random kills find the moment between a merge's commit and its announcement on any
    # database and under any load.
    for method in ("createChatInviteLink", "sendMessage"):
        api.inject_delay(method, NETWORK_DELAY, times=10_000, before_record=True)
    ambiguous: set[tuple] = set()
    mid_delivery = 0
    for data in approvals[:rounds(db_url)]:
        api.push_updates([tap(data)])
        mid_delivery += await asyncio.to_thread(kill_at_random, api, config, log, rng, 0.4,
                                                ambiguous, db_url)
    print(f"{mid_delivery} of the kills struck mid-delivery")
    assert mid_delivery > 0, "no kill struck between a merge and its announcement"
    bot = await start_bot()  # recovery: handles what is left, delivers what is undelivered
    assert await _outbox_drains(db_url)
    await bot.settle()
    executed = await count(db_url, select(func.count()).select_from(MergeProposal)
                           .where(MergeProposal.status == "executed"))
    approved = await count(db_url, select(func.count()).select_from(AuditLog)
                           .where(AuditLog.action == "merge_approved"))
    merged = await count(db_url, select(func.count()).select_from(Group)
                         .where(Group.status == "merged"))
    assert executed == approved == merged == min(rounds(db_url), PAIRS)  # each once, none half-done
    announced = Counter(c["params"]["chat_id"] for c in api.calls_to("sendMessage")
                        if "本群工作已并入" in c["params"].get("text", ""))
    assert len(announced) == executed  # every absorbed group was told
    assert unexplained_repeats(api, ambiguous) == []
    integrity(db_url)


async def _outbox_drains(db_url: str, timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not await count(db_url, select(func.count()).select_from(OutboxMessage)):
            return True
        await asyncio.sleep(0.05)
    return False


def digest_crons(rounds: int, now: datetime) -> list[str]:
    """A distinct due minute per round, all earlier this ISO week (the tests run midweek)."""
    dues = [now - timedelta(minutes=i + 1) for i in range(rounds)]
    assert dues[-1].isocalendar()[:2] == now.isocalendar()[:2], "pin the test midweek"
    return [f"{d.minute} {d.hour} * * {d.isoweekday() % 7}" for d in dues]


async def test_sigkill_during_digest_send(start_bot, api, db_url, tmp_path, monkeypatch):
    pin(monkeypatch, MIDWEEK)  # whatever the real weekday, the week has room for each due time
    rng = random.Random(seed())
    bot = await start_bot()
    for i in range(3):
        chat = group(-4000 - i, f"第{i}网格工作群")
        await bot.add_to_group(chat)
        await bot.push(*[message_update(chat, user(6000 + k, f"网格员{k}"), text="收到")
                         for k in range(5)])
    tz = bot.runtime.config.tz
    bot.stop.set()
    await bot.task
    crons = digest_crons(rounds(db_url), suite_clock(tz).local_now())
    for method in ("sendPhoto", "sendMessage", "sendDocument"):  # a slow network on the way
        api.inject_delay(method, NETWORK_DELAY, times=10_000, before_record=True)
    log = tmp_path / "bot.log"
    configs = [write_config(tmp_path / f"c{i}.toml", api, db_url, admin_chat=-5000 - i,
                            digest_cron=cron) for i, cron in enumerate(crons)]
    ambiguous: set[tuple] = set()
    mid_delivery = 0
    for config in configs:
        mid_delivery += await asyncio.to_thread(kill_at_random, api, config, log, rng, 0.9,
                                                ambiguous, db_url)
    print(f"{mid_delivery} of the kills struck mid-delivery")
    assert mid_delivery > 0, "no kill struck while a digest was being sent"
    for config in configs:  # recovery, one leader per configuration in turn
        await _recover_digest(config)
    for i in range(len(configs)):
        assert_whole_digest(api, -5000 - i)
    assert unexplained_repeats(api, ambiguous) == []
    integrity(db_url)


async def _recover_digest(config_path: str) -> None:
    """What the next leader does: resume the cut-short run, deliver what is undelivered."""
    runtime = build_runtime(load_config(config_path), catch_up=False)
    await runtime.application.initialize()
    try:
        for _ in range(100):  # the dead worker's lease lapses within a heartbeat and a half
            if await runtime.coordinator.beat():
                break
            await asyncio.sleep(HEARTBEAT / 2)
        await runtime.jobs.run_due("digest")
        await runtime.courier.sweep()
        await runtime.courier.wait_idle()
        await runtime.coordinator.release()
    finally:
        await runtime.application.shutdown()
        await runtime.engine.dispose()


def digest_parts(api: FakeBotApi, chat_id: int) -> list[str]:
    """The kinds of message a chat received, in order."""
    return [identity(c)[0] for c in sends(api) if c["params"]["chat_id"] == chat_id]


def assert_whole_digest(api: FakeBotApi, chat_id: int) -> None:
    """One chart, then the text (its first line is the chart's caption), then one CSV."""
    calls = [c for c in sends(api) if c["params"]["chat_id"] == chat_id]
    photos = {identity(c) for c in calls if identity(c)[0] == "sendphoto"}
    tables = {identity(c) for c in calls if identity(c)[0] == "senddocument"}
    assert len(photos) == len(tables) == 1, (chat_id, [identity(c)[0] for c in calls])
    first_photo = next(i for i, c in enumerate(calls) if identity(c)[0] == "sendphoto")
    last_table = max(i for i, c in enumerate(calls) if identity(c)[0] == "senddocument")
    caption = calls[first_photo]["params"]["caption"]
    texts = [c["params"]["text"] for c in calls[first_photo:last_table]
             if identity(c)[0] == "sendmessage"]
    assert first_photo < last_table and any(t.startswith(caption) for t in texts), chat_id


@pytest.mark.parametrize("grace", [60, 0])
def test_sigterm_mid_job_finishes_or_resumes_once(sqlite_url, tmp_path, grace, monkeypatch):
    pin(monkeypatch, MIDWEEK)
    cron = digest_crons(1, suite_clock(load_config(None).tz).local_now())
    admin = -6000
    log = tmp_path / "bot.log"
    with FakeBotApi() as api:
        config = write_config(tmp_path / "config.toml", api, sqlite_url, admin_chat=admin,
                              digest_cron=cron[0])
        config = _with_grace(tmp_path / "config.toml", grace)
        for method in ("sendPhoto", "sendMessage", "sendDocument"):
            api.inject_delay(method, 0.3, times=10_000, before_record=True)
        child = killer.spawn(config, log)
        api.wait_for_call("sendPhoto", chat_id=admin, timeout=60)
        assert killer.terminate(child, 30) == 0, log.read_text()  # clean, mid-digest
        time.sleep(IN_FLIGHT + 0.3)
        before = digest_parts(api, admin)
        ambiguous = {identity(c) for c in sends(api)} & undelivered(sqlite_url)
        if grace:
            assert "senddocument" in before  # the running job was let finish
        else:
            assert "senddocument" not in before  # it stopped at once, to resume later
        again = killer.spawn(config, log)
        api.wait_for_call("sendDocument", chat_id=admin, timeout=60)
        time.sleep(1.0)  # anything sent twice would show by now
        assert killer.terminate(again, 30) == 0, log.read_text()
    assert_whole_digest(api, admin)
    assert unexplained_repeats(api, ambiguous) == []
    assert "Traceback" not in log.read_text()


def _with_grace(path, grace: float) -> str:
    """The config file with [cluster] shutdown_grace_seconds set."""
    text = path.read_text(encoding="utf-8").replace(
        "[cluster]\n", f"[cluster]\nshutdown_grace_seconds = {grace}\n")
    path.write_text(text, encoding="utf-8")
    return str(path)
