"""SIGKILL the real bot at random moments while its daily scan warns and archives a few
hundred groups.

The scan and its messages commit together, so afterwards every warning the database records
as sent reached Telegram, every archived group is read-only with its own earlier permissions
remembered, and nothing arrived twice except a message Telegram took in the instant before a
kill (at least once).
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from datetime import datetime, timedelta

from sqlalchemy import select

from groupbot.domain.census import parse_row
from groupbot.domain.lifecycle import LifecycleSettings
from groupbot.services.census import CensusService, ImportReport
from groupbot.storage import bot_state, lifecycle_rows
from groupbot.storage.db import make_engine
from groupbot.storage.tables import Group, Lifecycle
from tests import killer
from tests.clocks import pin, suite_clock
from tests.db_helpers import fetch
from tests.e2e.test_kill_actions import (
    ADMIN_CHAT,
    IN_FLIGHT,
    identity,
    integrity,
    kill_at_random,
    rounds,
    seed,
    sends,
    undelivered,
    unexplained_repeats,
    write_config,
)
from tests.fakebot import FakeBotApi

GROUPS = {"sqlite": 300, "postgresql": 120}
MIDWEEK = "2026-11-25T12:00:00+08:00"
OPEN = {"can_send_messages": True, "can_send_polls": True, "can_invite_users": True}


def chat_id(i: int) -> int:
    return -1009_000_000 - i


async def silent_district(db_url: str, count: int) -> None:
    """`count` Telegram groups silent since June; the odd ones were warned three times and are
    due today, the even ones get their first warning."""
    engine = make_engine(db_url)
    clock = suite_clock()
    rows = [{"platform": "telegram", "chat_id": str(chat_id(i)), "title": f"第{i}专项工作群",
             "members": f"{i + 1};{i + 2}", "member_count": "9", "last_active": "2026-06-01"}
            for i in range(count)]
    await CensusService(engine, clock).import_rows(
        (parse_row(r, n) for n, r in enumerate(rows, 2)), ImportReport())
    async with engine.begin() as conn:
        await bot_state.put(conn, "lifecycle.policy_start", "2026-01-01")
        pks = dict((await conn.execute(select(Group.chat_id, Group.id))).all())
        await lifecycle_rows.save_states(conn, [
            {"group_id": pks[str(chat_id(i))], "due_on": clock.today(), "warnings_sent": "1,7,14"}
            for i in range(1, count, 2)])
    await engine.dispose()
    assert LifecycleSettings().warn_days == (14, 7, 1)


def scan_cron() -> str:
    """The daily scan due a minute ago."""
    due = suite_clock().local_now() - timedelta(minutes=1)
    return f"{due.minute} {due.hour} * * *"


async def test_sigkill_during_lifecycle_scan(db_url, tmp_path, monkeypatch):
    pin(monkeypatch, MIDWEEK)
    count = GROUPS[db_url.split(":")[0]]
    rng = random.Random(seed())
    await silent_district(db_url, count)
    log = tmp_path / "bot.log"
    ambiguous: set[tuple] = set()
    with FakeBotApi() as api:
        for i in range(count):
            api.set_chat(chat_id(i), title=f"第{i}专项工作群", permissions=OPEN)
        config = write_config(tmp_path / "config.toml", api, db_url, scan_cron=scan_cron())
        # The first worker is killed once the scan has committed and its messages are going
        # out; each later one at a random moment of its life.
        first = killer.spawn(config, log)
        # A message to a district group: the scan's (the digest's go to the admin chat).
        district = {chat_id(i) for i in range(count)}
        assert api.wait_for(lambda a: any(
            c["method"] == "sendMessage" and c["params"].get("chat_id") in district
            for c in a.calls), timeout=60), log.read_text()[-3000:]
        killer.kill(first)
        time.sleep(IN_FLIGHT)
        ambiguous |= {identity(call) for call in sends(api)} & await asyncio.to_thread(
            undelivered, db_url)
        struck = 1
        for _ in range(max(3, rounds(db_url) // 5)):
            struck += await asyncio.to_thread(kill_at_random, api, config, log, rng, 1.0,
                                              ambiguous, db_url)
        polled = api.get_updates_calls
        final = killer.spawn(config, log)  # recovery: resumes the scan, delivers the rest
        assert killer.wait_until(lambda: api.get_updates_calls > polled, 30), log.read_text()
        assert await _outbox_drains(db_url), log.read_text()[-3000:]
        assert killer.terminate(final) == 0
        print(f"{struck} kills struck mid-delivery")
        await _assert_carried_out(api, db_url, count, log)
        assert unexplained_repeats(api, ambiguous) == []
    integrity(db_url)
    assert "Traceback" not in log.read_text()


async def _outbox_drains(db_url: str, timeout: float = 90) -> bool:
    from tests.e2e.test_kill_actions import _outbox_drains as drains

    return await drains(db_url, timeout)


async def _assert_carried_out(api: FakeBotApi, db_url: str, count: int, log) -> None:
    rows = await fetch(db_url, select(Group.chat_id, Group.status, Lifecycle.warnings_sent,
                                      Lifecycle.prior_permissions)
                       .join(Lifecycle, Lifecycle.group_id == Group.id))
    states = {int(chat): (status, warned, prior) for chat, status, warned, prior in rows}
    texts = {}
    for call in sends(api):
        texts.setdefault(call["params"]["chat_id"], []).append(call["params"].get("text") or "")
    warned = [c for c, (status, sent, _) in states.items() if status == "warned"]
    archived = [c for c, (status, _, _) in states.items() if status == "archived"]
    assert (len(warned), len(archived)) == (count // 2, count // 2), log.read_text()[-4000:]
    for chat in warned:  # recorded as warned: the warning is at Telegram
        assert states[chat][1].split(",") == ["14"], chat
        assert any("⏰" in t for t in texts.get(chat, [])), chat
    for chat in archived:  # farewell said, read-only, and the permissions kept are the real ones
        assert any("📦" in t for t in texts.get(chat, [])), chat
        assert api.chat_permissions(chat).get("can_send_messages") is False, chat
        assert json.loads(states[chat][2]).get("can_send_messages") is True, chat
    summaries = [t for t in texts.get(ADMIN_CHAT, []) if t.startswith("🧹")]
    assert len(set(summaries)) == 1, summaries  # one scan, one summary (maybe resent once)
    assert datetime.fromisoformat(MIDWEEK).date().isoformat() in summaries[0]
