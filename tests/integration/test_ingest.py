"""Ingestion on a real database: counters, identities, re-keying, removal, audit, offset."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from groupbot.domain.events import (
    BotStatusChanged,
    ChatMigrated,
    ChatRef,
    MembershipChanged,
    MessageKind,
    MessageSeen,
    Person,
)
from groupbot.services.groups import GroupService
from groupbot.services.ingest import IngestService
from groupbot.storage.db import make_engine
from groupbot.storage.inbox import InboxItem, OffsetMoved
from groupbot.storage.tables import AuditLog, Group, GroupActivity, InboxUpdate, Member
from tests.clocks import now, suite_clock
from tests.ingest_helpers import commit

TZ = ZoneInfo("Asia/Shanghai")
NOW = now().replace(microsecond=0)
CHAT = ChatRef(-1001, "消防工作群", "supergroup")
ALICE, BOB = Person(1, "王轩", "wx"), Person(2, "李娜")


@pytest.fixture
async def services(db_url):
    engine = make_engine(db_url)
    yield IngestService(engine, suite_clock(TZ)), GroupService(engine, suite_clock(TZ)), engine
    await engine.dispose()


def said(person, minutes_ago=0, chat=CHAT, kind=MessageKind.HUMAN):
    return MessageSeen(chat, NOW - timedelta(minutes=minutes_ago), kind, person)


async def scalar(engine, query):
    async with engine.connect() as conn:
        return (await conn.execute(query)).scalar()


async def test_counts_members_and_activity_across_batches(services):
    ingest, groups, engine = services
    await commit(ingest, [said(ALICE, 10), said(BOB, 5), said(None, 4, kind=MessageKind.BOT)])
    await commit(ingest, [said(ALICE, 1),
                          MembershipChanged(CHAT, NOW, Person(3, "张三"), "member")])
    record = await groups.record(-1001)
    assert record.title == "消防工作群" and record.status == "active"
    assert record.messages_30d == 3
    assert record.members_seen == 3
    assert record.last_active == NOW - timedelta(minutes=1)
    assert await ingest.offset() == 2
    assert await scalar(engine, select(func.sum(GroupActivity.bot_messages))) == 1
    assert await scalar(engine, select(func.count()).select_from(Member)) == 3


async def test_leaving_and_coming_back(services):
    ingest, groups, _ = services
    await commit(ingest, [said(ALICE), MembershipChanged(CHAT, NOW, ALICE, "left")])
    assert (await groups.record(-1001)).members_seen == 0
    await commit(ingest, [said(ALICE)])  # a message proves they are back
    assert (await groups.record(-1001)).members_seen == 1


async def test_offset_compare_and_set_applies_a_batch_once(services):
    ingest, groups, _ = services
    await ingest.commit([said(ALICE)], [], None, 8)
    with pytest.raises(OffsetMoved):  # e.g. a retried commit whose first answer was lost
        await ingest.commit([said(ALICE)], [], None, 8)
    with pytest.raises(OffsetMoved):
        await ingest.commit([said(ALICE)], [], 5, 9)
    await ingest.commit([said(BOB)], [], 8, 3)  # ids may restart lower after a quiet week
    assert await ingest.offset() == 3
    assert (await groups.record(-1001)).messages_30d == 2


async def test_inbox_items_are_kept_once_and_erased_when_handled(services):
    ingest, _, engine = services
    item = InboxItem(7, "message", {"update_id": 7, "message": {"text": "/status"}})
    await commit(ingest, [], [item])
    await commit(ingest, [], [item])
    assert await scalar(engine, select(func.count()).select_from(InboxUpdate)) == 1
    (pending,) = await ingest.pending()
    assert pending.payload["message"]["text"] == "/status"
    await ingest.finish(7, "failed", "ValueError")
    assert await ingest.pending() == []
    assert await scalar(engine, select(InboxUpdate.payload)) is None  # command text erased


async def test_title_change_is_tracked_and_audited(services):
    ingest, groups, engine = services
    await commit(ingest, [said(ALICE)])
    await commit(ingest, [said(ALICE, chat=ChatRef(-1001, "消防台账群", "supergroup"))])
    assert (await groups.record(-1001)).title == "消防台账群"
    actions = await scalar(engine, select(func.group_concat(AuditLog.action))
                           if "sqlite" in str(engine.url) else
                           select(func.string_agg(AuditLog.action, ",")))
    assert actions.split(",") == ["registered", "title_changed"]


async def test_migration_rekeys_with_history(services):
    ingest, groups, engine = services
    old = ChatRef(-5, "网格群", "group")
    await commit(ingest, [said(ALICE, 3, chat=old), said(BOB, 2, chat=old)])
    await commit(ingest, [ChatMigrated(-5, -1005, NOW)])
    assert await groups.record(-5) is None
    record = await groups.record(-1005)
    assert (record.messages_30d, record.members_seen, record.title) == (2, 2, "网格群")
    assert await scalar(engine, select(func.count()).select_from(Group)) == 1


async def test_migration_folds_a_duplicate_record(services):
    ingest, groups, engine = services
    old, new = ChatRef(-5, "网格群", "group"), ChatRef(-1005, "网格群", "supergroup")
    await commit(ingest, [said(ALICE, 3, chat=old)])
    await commit(ingest, [said(ALICE, 2, chat=new), said(BOB, 1, chat=new)])
    assert await groups.rekey(-5, -1005)
    record = await groups.record(-1005)
    assert (record.messages_30d, record.members_seen) == (3, 2)
    assert await scalar(engine, select(func.count()).select_from(Group)) == 1


async def test_bot_removed_keeps_rows_and_readding_reactivates(services):
    ingest, groups, engine = services
    await commit(ingest, [BotStatusChanged(CHAT, NOW, "member", ALICE), said(ALICE)])
    await commit(ingest, [BotStatusChanged(CHAT, NOW, "kicked", BOB)])
    record = await groups.record(-1001)
    assert record.status == "bot_removed" and record.messages_30d == 1
    await commit(ingest, [BotStatusChanged(CHAT, NOW, "administrator", ALICE)])
    record = await groups.record(-1001)
    assert record.status == "active" and record.bot_is_admin
    actors = await scalar(engine, select(func.count()).select_from(AuditLog)
                          .where(AuditLog.actor == "user:2", AuditLog.action == "status"))
    assert actors == 1


async def test_purpose_and_facts(services):
    ingest, groups, _engine = services
    await commit(ingest, [said(ALICE)])
    assert await groups.set_purpose(-1001, " 消防  台账 ", 1) == "消防 台账"
    await groups.set_facts(-1001, member_count=25, owner_user_id=1, owner_name="王轩")
    record = await groups.record(-1001)
    assert (record.purpose, record.member_count, record.owner) == ("消防 台账", 25, "王轩")
    summary = await groups.summary()
    assert summary.total == 1 and summary.without_purpose == 0


async def test_after_hours_and_photo_counters_are_stored(services):
    ingest, _, engine = services
    sunday_noon = datetime(2026, 11, 22, 4, tzinfo=UTC)  # 12:00 in Shanghai, a Sunday
    monday_ten = datetime(2026, 11, 23, 2, tzinfo=UTC)  # 10:00 on a Monday
    await commit(ingest, [MessageSeen(CHAT, sunday_noon, MessageKind.HUMAN, ALICE, photo=True),
                          MessageSeen(CHAT, monday_ten, MessageKind.HUMAN, BOB),
                          MessageSeen(CHAT, monday_ten, MessageKind.HUMAN, BOB, photo=True)])
    await commit(ingest, [MessageSeen(CHAT, sunday_noon, MessageKind.HUMAN, BOB)])
    assert await scalar(engine, select(func.sum(GroupActivity.after_hours))) == 2
    assert await scalar(engine, select(func.sum(GroupActivity.photos))) == 2
