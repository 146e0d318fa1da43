"""A database that is down or read-only: nothing is acknowledged, nothing lost afterwards."""

from __future__ import annotations

import asyncio
import os

import pytest
from sqlalchemy.engine import make_url

from groupbot.storage.inbox import InboxItem
from tests.e2e.conftest import OWNER
from tests.fakebot import FakeBotApi, command_update, message_update, user
from tests.ingest_helpers import commit


class TcpProxy:
    """A loopback TCP proxy to the database that can be cut and restored."""

    def __init__(self, target_host: str, target_port: int):
        self.target = (target_host, target_port)
        self.port = 0
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def cut(self) -> None:
        """Refuse new connections and drop live ones, as a crashed server would."""
        self._server.close()
        await self._server.wait_closed()
        for writer in list(self._writers):
            writer.transport.abort()
        self._writers.clear()

    async def _serve(self, reader, writer) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.transport.abort()
            return
        self._writers.update({writer, up_writer})
        await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer))

    @staticmethod
    async def _pipe(reader, writer) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            writer.transport.abort()


async def wait_until(predicate, timeout=15.0):
    for _ in range(int(timeout / 0.05)):
        if await predicate():
            return True
        await asyncio.sleep(0.05)
    return False


@pytest.mark.postgres
@pytest.mark.skipif(not os.environ.get("GROUPBOT_TEST_DATABASE_URL"),
                    reason="GROUPBOT_TEST_DATABASE_URL is not set")
async def test_postgres_down_then_back(start_bot, db_url, work_group):
    if not db_url.startswith("postgres"):
        pytest.skip("runs once, on the PostgreSQL backend")
    parsed = make_url(db_url)
    proxy = TcpProxy(parsed.host or "127.0.0.1", parsed.port or 5432)
    await proxy.start()
    bot = await start_bot(url=parsed.set(host="127.0.0.1", port=proxy.port)
                          .render_as_string(hide_password=False))
    await bot.add_to_group(work_group)
    await bot.push(message_update(work_group, OWNER, text="a"))
    await proxy.cut()
    acknowledged = bot.api.confirmed_offset
    bot.api.push_updates([message_update(work_group, user(5 + i, f"u{i}"), text="b")
                          for i in range(20)] + [command_update(work_group, OWNER, "/status")])
    await asyncio.sleep(2.0)
    assert bot.api.confirmed_offset == acknowledged  # nothing acknowledged while down
    assert not bot.task.done()
    await proxy.start()  # the database is back on the same port
    await bot.settle(timeout=40)
    record = await bot.record(-1001)
    assert record.messages_30d == 22 and record.members_seen == 21
    assert "近 30 天消息：22" in bot.replies(-1001)[-1]


async def test_read_only_sqlite_acknowledges_nothing(start_bot, sqlite_url, work_group, api):
    writable = await start_bot(url=sqlite_url)
    await writable.add_to_group(work_group)
    writable.stop.set()
    await writable.task
    path = make_url(sqlite_url).database
    read_only = await start_bot(url=f"sqlite:///file:{path}?mode=ro&uri=true")
    acknowledged = api.confirmed_offset
    api.push_updates([message_update(work_group, OWNER, text="x") for _ in range(5)])
    await asyncio.sleep(1.5)
    assert api.confirmed_offset == acknowledged and not read_only.task.done()
    read_only.stop.set()
    await read_only.task
    again = await start_bot(url=sqlite_url)
    await again.settle()
    assert (await again.record(-1001)).messages_30d == 5


async def test_command_during_outage_is_answered_once_back(start_bot, sqlite_url, work_group,
                                                           api):
    writable = await start_bot(url=sqlite_url)
    await writable.add_to_group(work_group)
    writable.stop.set()
    await writable.task
    # A /status committed just before the database turned read-only, not yet handled.
    command = command_update(work_group, OWNER, "/status")
    command["update_id"] = api.confirmed_offset + 1000
    await commit(writable.runtime.ingest,
        [], [InboxItem(command["update_id"], "message", command)])
    path = make_url(sqlite_url).database
    read_only = await start_bot(url=f"sqlite:///file:{path}?mode=ro&uri=true", settle=False)
    await asyncio.sleep(1.0)  # the dispatcher retries many times meanwhile
    notices = [t for t in api.sent_texts(-1001) if "数据库暂时不可用" in t]
    assert len(notices) == 1
    read_only.stop.set()
    await read_only.task
    again = await start_bot(url=sqlite_url)
    await again.settle()
    assert "近 30 天消息" in api.sent_texts(-1001)[-1]


OUTAGE = float(os.environ.get("GROUPBOT_TEST_OUTAGE_SECONDS", 60))


@pytest.mark.postgres
@pytest.mark.skipif(not os.environ.get("GROUPBOT_TEST_DATABASE_URL"),
                    reason="GROUPBOT_TEST_DATABASE_URL is not set")
async def test_a_minute_without_a_database_then_the_backlog_drains(start_bot, db_url,
                                                                   sqlite_url):
    """PostgreSQL stopped and SQLite read-only for OUTAGE seconds, side by side."""
    if not db_url.startswith("postgres"):
        pytest.skip("runs once, with both databases at the same time")
    work = {"id": -1001, "type": "supergroup", "title": "涌金门社区消防安全工作群"}
    parsed = make_url(db_url)
    proxy = TcpProxy(parsed.host or "127.0.0.1", parsed.port or 5432)
    await proxy.start()
    with FakeBotApi() as pg_api, FakeBotApi() as lite_api:
        pg = await start_bot(url=parsed.set(host="127.0.0.1", port=proxy.port)
                             .render_as_string(hide_password=False), fake=pg_api)
        lite = await start_bot(url=sqlite_url, fake=lite_api)
        for bot in (pg, lite):
            await bot.add_to_group(work)
        lite.stop.set()
        await lite.task
        path = make_url(sqlite_url).database
        read_only = await start_bot(url=f"sqlite:///file:{path}?mode=ro&uri=true",
                                    fake=lite_api, settle=False)
        await proxy.cut()
        acknowledged = {id(a): a.confirmed_offset for a in (pg_api, lite_api)}
        for a in (pg_api, lite_api):
            a.push_updates([message_update(work, user(5 + i, f"u{i}"), text="b")
                            for i in range(30)] + [command_update(work, OWNER, "/status")])
        deadline = asyncio.get_running_loop().time() + OUTAGE
        while asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(1.0)
            for a in (pg_api, lite_api):  # nothing acknowledged to Telegram meanwhile
                assert a.confirmed_offset == acknowledged[id(a)]
            assert not pg.task.done() and not read_only.task.done()
        await proxy.start()  # PostgreSQL is back on the same port
        read_only.stop.set()
        await read_only.task
        writable = await start_bot(url=sqlite_url, fake=lite_api, settle=False)
        for bot in (pg, writable):
            await bot.settle(timeout=60)  # the back-off is at most 30 s
            record = await bot.record(-1001)
            assert record.messages_30d == 31
            assert "近 30 天消息：31" in bot.api.sent_texts(-1001)[-1]
