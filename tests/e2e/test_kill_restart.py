"""The real `groupbot run` process: clean SIGTERM; helpers for the SIGKILL suites."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import threading
from collections import Counter

from sqlalchemy import func, select

from groupbot.storage.db import make_engine
from groupbot.storage.tables import Group, GroupActivity, Membership
from tests.fakebot import FakeBotApi, group, message_update, user

GROUPS = 10
MEMBERS = 8
ROUNDS = 8


def write_config(tmp_path, api: FakeBotApi, db_url: str):
    path = tmp_path / "config.toml"
    path.write_text(
        f'log_level = "INFO"\n[telegram]\ntoken = "{api.token}"\nbase_url = "{api.base_url}"\n'
        f'poll_timeout = 1\n[database]\nurl = "{db_url}"\n', encoding="utf-8")
    return path


def start(config_path, log_path) -> subprocess.Popen:
    with open(log_path, "ab") as log:  # the child keeps its own copy of the descriptor
        return subprocess.Popen([sys.executable, "-m", "groupbot", "run", "--config",
                                 str(config_path)], stdout=log, stderr=subprocess.STDOUT)


class Feeder(threading.Thread):
    """Pushes group messages continuously, remembering how many each group got."""

    def __init__(self, api: FakeBotApi, rng: random.Random, expected: Counter):
        super().__init__(daemon=True)
        self.api, self.rng, self.expected = api, random.Random(rng.random()), expected
        self.halt = threading.Event()

    def run(self) -> None:
        while not self.halt.wait(0.01):
            updates = []
            for _ in range(self.rng.randrange(1, 60)):
                g, m = self.rng.randrange(GROUPS), self.rng.randrange(MEMBERS)
                chat = group(-1000 - g, f"第{g}网格群")
                updates.append(message_update(chat, user(100 + m, f"网格员{m}"), text="收到"))
                self.expected[-1000 - g] += 1
            self.api.push_updates(updates)

    def stop(self) -> None:
        self.halt.set()
        self.join()


async def totals(db_url: str) -> tuple[dict[int, int], int, int]:
    engine = make_engine(db_url)
    async with engine.connect() as conn:
        per_group = dict((await conn.execute(
            select(Group.chat_id, func.sum(GroupActivity.messages))
            .join(GroupActivity, GroupActivity.group_id == Group.id)
            .group_by(Group.chat_id))).all())
        member_total = (await conn.execute(select(func.sum(Membership.message_count)))).scalar()
        groups = (await conn.execute(select(func.count()).select_from(Group))).scalar()
    await engine.dispose()
    return {int(k): int(v) for k, v in per_group.items()}, int(member_total or 0), groups


def test_sigterm_stops_cleanly_while_idle(sqlite_url, tmp_path):
    log_path = tmp_path / "bot.log"
    with FakeBotApi() as api:
        proc = start(write_config(tmp_path, api, sqlite_url), log_path)
        assert api.wait_for(lambda a: a.get_updates_calls >= 1, timeout=30)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0, log_path.read_text(encoding="utf-8")
    log = log_path.read_text(encoding="utf-8")
    assert "groupbot is running" in log and api.token not in log
