"""The digest built from a known world gives exact figures (SQLite and PostgreSQL)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from groupbot.domain.events import ChatRef, MessageKind, MessageSeen, Person
from groupbot.services.digest import DigestService
from groupbot.services.groups import GroupService
from groupbot.services.ingest import IngestService
from groupbot.storage.db import make_engine
from tests.clocks import suite_clock
from tests.ingest_helpers import commit

TZ = ZoneInfo("Asia/Shanghai")
FRIDAY = date(2026, 11, 20)
A, B, C = (ChatRef(-1001, "消防群", "supergroup"), ChatRef(-1002, "党建群", "supergroup"),
           ChatRef(-1003, "打卡群", "supergroup"))
WANG, LI, ZHANG = Person(1, "王轩"), Person(2, "李娜"), Person(3, "张伟")


def at(day: int, hour: int) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=TZ)


@pytest.fixture
async def world(db_url):
    engine = make_engine(db_url)
    ingest = IngestService(engine, suite_clock(TZ))
    events = [MessageSeen(A, at(18, 10), MessageKind.HUMAN, WANG),  # Wednesday, office hours
              MessageSeen(A, at(18, 21), MessageKind.HUMAN, LI),  # Wednesday evening
              MessageSeen(B, at(14, 11), MessageKind.HUMAN, WANG),  # Saturday
              MessageSeen(B, at(1, 11), MessageKind.HUMAN, ZHANG)]  # before the week
    events += [MessageSeen(C, at(19, 9), MessageKind.HUMAN, WANG, photo=i < 6)
               for i in range(10)]
    await commit(ingest, events)
    await GroupService(engine, suite_clock(TZ)).mark_bot_removed(-1002, "test")
    yield engine
    await engine.dispose()


async def test_known_world(world):
    digest = await DigestService(world, suite_clock(TZ)).build(FRIDAY)
    assert digest.week == "2026-W47"
    assert digest.by_status == {"active": 2, "bot_removed": 1}
    assert (digest.total, digest.in_play, digest.baseline) == (3, 2, 3)
    assert digest.reduction == pytest.approx(1 / 3)
    assert digest.messages_7d == 13  # the message of November 1st is outside the week
    assert digest.after_hours_share == pytest.approx(2 / 13)  # Wednesday 21:00 and Saturday
    assert digest.photo_share == (("打卡群", 0.6),)
    b = digest.burden  # groups in play only: 党建群 lost its bot and is not counted
    assert (b.members, b.max, b.top[0]) == (2, 2, ("王轩", 2))


async def test_baseline_date_and_anonymised_members(world):
    service = DigestService(world, suite_clock(TZ), baseline_date=date(2020, 1, 1), anonymise=True)
    digest = await service.build(FRIDAY)
    assert digest.baseline == 0 and digest.reduction is None
    assert all("王轩" not in name for name, _ in digest.burden.top)
