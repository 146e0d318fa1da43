"""Concurrent read-then-write transactions on one SQLite file never fail with 'locked'."""

import asyncio
from zoneinfo import ZoneInfo

from groupbot.domain.events import ChatRef, MessageKind, MessageSeen, Person
from groupbot.services.groups import GroupService
from groupbot.services.ingest import IngestService
from groupbot.storage.db import make_engine
from tests.clocks import now, suite_clock
from tests.ingest_helpers import commit

TZ = ZoneInfo("Asia/Shanghai")


async def test_two_processes_worth_of_writers(sqlite_url):
    engines = [make_engine(sqlite_url) for _ in range(2)]  # as two workers would have
    ingests = [IngestService(e, suite_clock(TZ)) for e in engines]
    groups = [GroupService(e, suite_clock(TZ)) for e in engines]
    chat = ChatRef(-1001, "群", "supergroup")
    await commit(ingests[0], [MessageSeen(chat, now(), MessageKind.HUMAN,
                                         Person(1, "a"))])

    async def write(i: int) -> None:
        event = MessageSeen(chat, now(), MessageKind.HUMAN, Person(i % 7 + 1, "p"))
        await commit(ingests[i % 2], [event])
        await groups[i % 2].set_purpose(-1001, f"用途{i}", i)  # reads, then writes

    await asyncio.gather(*(write(i) for i in range(40)))
    record = await groups[0].record(-1001)
    assert record.messages_30d == 41 and record.members_seen == 7
    for engine in engines:
        await engine.dispose()
