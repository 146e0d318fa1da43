"""End-to-end harness: the real bot (PTB Application + durable poller) against the fake Bot API."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

import pytest

from groupbot.app import Runtime, build_runtime, serve
from groupbot.config import (
    ClusterConfig,
    Config,
    DatabaseConfig,
    LifecycleConfig,
    ObservabilityConfig,
    ScheduleConfig,
    TelegramConfig,
    WebhookConfig,
)
from tests.fakebot import (
    FakeBotApi,
    bot_user_dict,
    group,
    my_chat_member_update,
    user,
    watch_fakes,
)

ADMIN_ID = 900  # a configured groupbot admin
ADMIN_CHAT = -100900  # the configured admin chat
OWNER = user(1, "王", "轩")


@dataclass
class Harness:
    """A running bot and the fake Telegram it talks to."""

    api: FakeBotApi
    runtime: Runtime
    stop: asyncio.Event
    task: asyncio.Task

    async def settle(self, timeout: float = 10.0) -> None:
        """Wait until every pushed update is acknowledged and every handler has run."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.task.done():
                self.task.result()  # surface a crash
            if self.api.pending_count() == 0 and not await self.runtime.ingest.pending():
                return
            await asyncio.sleep(0.02)
        raise AssertionError(f"bot did not settle: {self.api.pending_count()} unacknowledged")

    async def push(self, *updates: dict) -> None:
        """Deliver updates and wait until they are fully processed."""
        self.api.push_updates(list(updates))
        await self.settle()

    async def record(self, chat_id: int):
        """The stored inventory record of a group."""
        return await self.runtime.groups.record(chat_id)

    def replies(self, chat_id: int) -> list[str]:
        """Texts the bot sent to a chat."""
        return self.api.sent_texts(chat_id)

    async def add_to_group(self, chat: dict, status: str = "administrator") -> None:
        """The owner adds the bot to a group."""
        self.api.set_member(chat["id"], OWNER, "creator")
        await self.push(my_chat_member_update(chat, OWNER, bot_user_dict(self.api), "left",
                                              status))


@pytest.fixture(autouse=True)
def spec_conformance():
    """Fail the test if the bot made a call the real Bot API would refuse (on any fake)."""
    with watch_fakes() as fakes:
        yield
    for fake in fakes:
        fake.assert_no_refusals()


@pytest.fixture
def api():
    with FakeBotApi() as fake:
        yield fake


@pytest.fixture
async def start_bot(api, db_url):
    """Factory: start the real bot with optional config changes; stopped at teardown."""
    harnesses = []

    async def start(language: str = "zh", url: str | None = None, settle: bool = True,
                    lifecycle: LifecycleConfig | None = None,
                    observability: ObservabilityConfig | None = None,
                    schedule: ScheduleConfig | None = None,
                    webhook: WebhookConfig | None = None,
                    telegram: dict | None = None, fake: FakeBotApi | None = None) -> Harness:
        server = fake or api
        config = Config(
            schedule=schedule or ScheduleConfig(),
            lifecycle=lifecycle or LifecycleConfig(),
            observability=observability or ObservabilityConfig(),
            language=language,
            telegram=TelegramConfig(token=server.token, base_url=server.base_url,
                                    admins=(ADMIN_ID,), admin_chat_id=ADMIN_CHAT, poll_timeout=1,
                                    webhook=webhook or WebhookConfig(), **(telegram or {})),
            database=DatabaseConfig(url=url or db_url),
            cluster=ClusterConfig(heartbeat_seconds=1.0),
        )
        # No catch-up of due jobs at start: tests run jobs when they mean it.
        runtime = build_runtime(config, retry_delay=0.05, count_refresh_seconds=0.1,
                                catch_up=False)
        stop = asyncio.Event()
        harness = Harness(server, runtime, stop, asyncio.create_task(serve(runtime, stop)))
        harnesses.append(harness)
        if settle:
            await harness.settle()
        return harness

    yield start
    for harness in harnesses:
        harness.stop.set()
        await asyncio.wait_for(harness.task, timeout=15)


@pytest.fixture
async def bot(start_bot) -> Harness:
    """The bot in Chinese with default settings."""
    return await start_bot()


@pytest.fixture
def work_group(api) -> dict:
    """A work group known to the fake server."""
    api.set_chat(-1001, title="涌金门社区消防安全工作群", member_count=12)
    return group(-1001, "涌金门社区消防安全工作群")
