"""Hypothesis against the real bot: forged button data changes nothing, malformed updates
crash nothing."""

from __future__ import annotations

import asyncio
import copy
import logging
import threading
import time

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from groupbot.app import build_runtime, serve
from groupbot.config import ClusterConfig, Config, DatabaseConfig, TelegramConfig
from groupbot.storage.tables import Group, MergeProposal
from groupbot.telegram.callbacks import derive_secret, sign
from tests.clocks import unix_now
from tests.e2e.conftest import ADMIN_CHAT, ADMIN_ID
from tests.fakebot import (
    FakeBotApi,
    bot_user_dict,
    group,
    message_update,
    my_chat_member_update,
    user,
)

ADMIN = user(ADMIN_ID, "督导")
CREATOR = user(31, "群主")
PAIR = [group(-1601, "第1网格消防安全工作群"), group(-1602, "第1网格消防台账群(新)")]
STAFF = [user(700 + k, f"网格员{k}") for k in range(4)]


class BackgroundBot:
    """The real bot on its own event loop thread, so hypothesis can drive it synchronously."""

    def __init__(self, api: FakeBotApi, db_url: str):
        self.api = api
        self.config = Config(
            telegram=TelegramConfig(token=api.token, base_url=api.base_url, admins=(ADMIN_ID,),
                                    admin_chat_id=ADMIN_CHAT, poll_timeout=1),
            database=DatabaseConfig(url=db_url), cluster=ClusterConfig(heartbeat_seconds=0.5))
        self.loop = asyncio.new_event_loop()
        self.stop: asyncio.Event | None = None
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    def __enter__(self) -> BackgroundBot:
        self.thread.start()
        self.runtime = self.call(self._build())
        self.task = asyncio.run_coroutine_threadsafe(serve(self.runtime, self.stop), self.loop)
        return self

    async def _build(self):
        self.stop = asyncio.Event()
        return build_runtime(self.config, retry_delay=0.05, catch_up=False)

    def __exit__(self, *exc) -> None:
        self.loop.call_soon_threadsafe(self.stop.set)
        self.task.result(timeout=30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)

    def call(self, coroutine, timeout: float = 30):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def push(self, *updates: dict) -> None:
        """Deliver updates and wait until each is acknowledged and handled."""
        self.api.push_updates(list(updates))
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            assert not self.task.done(), self.task.result()
            if self.api.pending_count() == 0 and not self.call(self.runtime.ingest.pending()):
                return
            time.sleep(0.01)
        raise AssertionError("the bot did not settle")

    def rows(self, statement) -> list:
        async def read():
            async with self.runtime.engine.connect() as conn:
                return (await conn.execute(statement)).all()
        return self.call(read())


@pytest.fixture
def running(db_url):
    if not db_url.startswith("sqlite"):
        pytest.skip("input handling does not depend on the database")
    with FakeBotApi() as api, BackgroundBot(api, db_url) as bot:
        for chat in PAIR:
            api.set_chat(chat["id"], title=chat["title"], member_count=5)
            api.set_member(chat["id"], CREATOR, "creator")
            bot.push(my_chat_member_update(chat, CREATOR, bot_user_dict(api), "left",
                                           "administrator"))
        bot.push(*[message_update(c, p, text="收到") for c in PAIR for p in STAFF])
        yield bot


def state(bot: BackgroundBot) -> tuple:
    """Everything a tap could change."""
    return (bot.rows(select(MergeProposal.id, MergeProposal.status).order_by(MergeProposal.id)),
            bot.rows(select(Group.chat_id, Group.status).order_by(Group.chat_id)))


def tap(data: str, chat_id: int = ADMIN_CHAT) -> dict:
    return {"callback_query": {"id": f"cq{time.monotonic_ns()}", "from": ADMIN,
                               "chat_instance": "ci", "data": data,
                               "message": {"message_id": 1, "date": unix_now(),
                                           "chat": group(chat_id, "管理")}}}


def forged(valid: str, other: str, secret: bytes, proposal: int):
    """Data an attacker could send: mutated, truncated, cross-chat, foreign MAC, other key."""
    head, mac = valid.rsplit(":", 1)
    other_mac = other.rsplit(":", 1)[1]
    return st.one_of(
        st.integers(0, len(valid) - 1).map(lambda n: valid[:n]),
        st.tuples(st.integers(0, len(valid) - 1), st.characters(codec="utf-8")).map(
            lambda p: valid[:p[0]] + p[1] + valid[p[0] + 1:]),
        st.text(max_size=64),
        st.just(f"{head}:{other_mac}"),
        st.just(valid.replace(f":{proposal}:", f":{proposal + 1}:")),
        st.just(sign(secret, "ok", proposal, ADMIN_CHAT - 1)),
        st.just(sign(derive_secret("another key", ""), "ok", proposal, ADMIN_CHAT)),
        st.sampled_from(["m:ok", "m:ok::", "a:ok:1:x", "m:ok:-1:AAAA", "m:ok:1e9:" + mac,
                         # digits str.isdigit accepts and int() refuses or reads differently
                         "m:ok:²:x", "a:ok:²:x", f"m:ok:{proposal}²:{mac}", f"m:ok:٣:{mac}",
                         f"m:ok:0{proposal}:{mac}", "m:ok:" + "9" * 40 + ":x"]),
    )


def test_forged_button_data_changes_nothing(running):
    bot = running
    (proposal,) = bot.call(bot.runtime.merges.matching.run()).proposals
    secret = bot.runtime.merges.secret
    valid = sign(secret, "ok", proposal.id, ADMIN_CHAT)
    other = sign(secret, "ok", proposal.id + 1, ADMIN_CHAT)
    before = state(bot)

    @settings(max_examples=60, deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(forged(valid, other, secret, proposal.id))
    def attack(data: str) -> None:
        assume(data != valid and 0 < len(data.encode()) <= 64)
        answered = len(bot.api.calls_to("answerCallbackQuery"))
        bot.push(tap(data))
        assert len(bot.api.calls_to("answerCallbackQuery")) == answered + 1  # always answered
        assert state(bot) == before

    attack()
    bot.push(tap(valid, chat_id=ADMIN_CHAT - 1))  # the right data from the wrong chat
    assert state(bot) == before
    bot.push(tap(valid))  # the genuine tap acts, once
    bot.push(tap(valid))  # and a replay changes nothing more
    after = state(bot)
    assert after != before and dict(after[0])[proposal.id] == "executed"
    assert sum(status == "merged" for _, status in after[1]) == 1


def test_unmerge_with_strange_digits_is_answered_with_its_usage(running):
    bot = running
    for arg in ("²", "٣", "9" * 40):
        sent = len(bot.api.calls_to("sendMessage"))
        bot.push(message_update(group(ADMIN_CHAT, "管理"), ADMIN, text=f"/unmerge {arg}"))
        replies = bot.api.calls_to("sendMessage")[sent:]
        assert replies and "/unmerge" in replies[-1]["params"]["text"], arg


def _mangle(update: dict, path: list, value) -> dict:
    """A copy of `update` with the key at `path` replaced (or removed when value is ...)."""
    mangled = copy.deepcopy(update)
    node = mangled
    for key in path[:-1]:
        node = node[key]
    if value is ...:
        node.pop(path[-1], None)
    else:
        node[path[-1]] = value
    return mangled


JUNK = st.one_of(st.none(), st.integers(), st.text(max_size=8), st.booleans(),
                 st.lists(st.integers(), max_size=2), st.dictionaries(st.text(max_size=3),
                                                                       st.integers(), max_size=2),
                 st.just(...))


def test_malformed_updates_never_crash_and_good_ones_still_count(running, caplog):
    bot = running
    chat = PAIR[0]
    samples = [message_update(chat, STAFF[0], text="收到"),
               message_update(chat, STAFF[1], text="/status"),
               my_chat_member_update(chat, CREATOR, bot_user_dict(bot.api), "administrator",
                                     "member"),
               tap("m:ok:1:AAAA")]
    paths = [["message"], ["message", "chat"], ["message", "chat", "id"], ["message", "from"],
             ["message", "from", "id"], ["message", "date"], ["message", "text"],
             ["message", "chat", "type"], ["my_chat_member", "new_chat_member"],
             ["my_chat_member", "new_chat_member", "status"], ["callback_query", "data"],
             ["callback_query", "from"], ["callback_query", "message"]]

    @settings(max_examples=150, deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(st.sampled_from(samples), st.sampled_from(paths), JUNK)
    def feed(sample: dict, path: list, junk) -> None:
        try:
            update = _mangle(sample, path, junk)
        except (KeyError, TypeError):
            assume(False)  # that path does not exist in this kind of update
        bot.push(update)

    with caplog.at_level(logging.ERROR):
        feed()
    crashed = [r for r in caplog.records if r.getMessage() == "handler failed"]
    assert not crashed, crashed[0].exc_info
    counted = bot.call(bot.runtime.groups.record(chat["id"])).messages_30d
    bot.push(message_update(chat, STAFF[2], text="好的"))
    assert bot.call(bot.runtime.groups.record(chat["id"])).messages_30d == counted + 1
