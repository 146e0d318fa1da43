"""Use cases as services, on a real database with a fixed clock and no Telegram: the digest's
week claim, a scan's and a restore's carrying-out into the outbox, and the merge jobs."""

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from groupbot.domain.census import parse_row
from groupbot.domain.lexicon import Lexicon
from groupbot.domain.lifecycle import LifecycleSettings
from groupbot.services.census import CensusService, ImportReport
from groupbot.services.digest import DigestService
from groupbot.services.lifecycle import LifecycleService
from groupbot.services.lifecycle_changes import LifecycleChanges
from groupbot.services.matching import MatchingService
from groupbot.services.merges import MergeService
from groupbot.storage import bot_state, lifecycle_rows, outbox_rows
from groupbot.storage.db import make_engine
from groupbot.storage.outbox_rows import PERMISSIONS, RESTRICT, Outgoing
from groupbot.storage.tables import OutboxMessage
from groupbot.telegram.lifecycle_notices import LifecycleNotices
from tests.clocks import SHANGHAI, at

ADMIN_CHAT = -100900
ZOMBIE = -1001770
WEDNESDAY = "2026-11-25T10:00:00+08:00"
NOTICES = LifecycleNotices(language="zh", admin_chat_id=ADMIN_CHAT, secret=b"k" * 32,
                           inactive_days=30, leave_on_archive=True, restore_days=30)


@pytest.fixture
async def engine(db_url):
    engine = make_engine(db_url)
    yield engine
    await engine.dispose()


async def outbox(engine) -> list[Outgoing]:
    async with engine.connect() as conn:
        rows = await conn.execute(select(OutboxMessage).order_by(OutboxMessage.id))
        return [Outgoing(r.chat_id, r.kind) for r in rows]


async def render(chat_id, digest, table) -> list[Outgoing]:
    return [Outgoing(chat_id, "text", {"text": digest.week}),
            Outgoing(chat_id, "document", {"rows": len(table)}, b"csv")]


async def test_the_weekly_digest_is_claimed_once_with_its_messages(engine):
    clock = at(WEDNESDAY)
    service = DigestService(engine, clock)
    first = await service.weekly(ADMIN_CHAT, render)
    assert first is not None and len(first) == 2
    assert await service.weekly(ADMIN_CHAT, render) is None  # the same week: taken
    assert await service.weekly(-100901, render) is not None  # another chat has its own
    last_week = clock.now() - timedelta(days=7)
    assert await service.weekly(-100902, render, last_week) is None  # over: never sent late
    clock.advance(timedelta(days=5))  # Monday: a new ISO week
    assert await service.weekly(ADMIN_CHAT, render) is not None
    assert [m.kind for m in await outbox(engine)] == ["text", "document"] * 3


async def zombie_district(engine, clock) -> None:
    """One Telegram group silent since long before the policy began, and a census group."""
    rows = [{"platform": "telegram", "chat_id": str(ZOMBIE), "title": "旧专项工作群",
             "members": "1;2;3", "member_count": "9", "last_active": "2026-06-01"},
            {"platform": "wechat", "chat_id": "wx-1", "title": "旧微信群",
             "last_active": "2026-06-01"}]
    await CensusService(engine, clock).import_rows(
        (parse_row(r, i) for i, r in enumerate(rows, 2)), ImportReport())
    async with engine.begin() as conn:
        await bot_state.put(conn, "lifecycle.policy_start", "2026-01-01")


async def scan_next_day(scans, clock) -> str:
    """The daily scan, a day later; what it did to the Telegram group."""
    clock.advance(timedelta(days=1))
    items, _ = await scans.scan_and_notify(NOTICES.scan)
    return {i.chat_id: i.action for i in items}.get(ZOMBIE, "none")


async def test_a_scan_stores_its_warnings_and_archives_in_the_outbox(engine):
    clock = at(WEDNESDAY)
    await zombie_district(engine, clock)
    scans = LifecycleService(engine, clock, LifecycleSettings(), ("临时",))
    items, ids = await scans.scan_and_notify(NOTICES.scan)
    assert {i.chat_id: i.action for i in items} == {ZOMBIE: "warn_14", "wx-1": "warn_14"}
    assert [(m.chat_id, m.kind) for m in await outbox(engine)] == [
        (ZOMBIE, "text"), (ADMIN_CHAT, "text")]  # the census group needs nothing sent
    assert len(ids) == 2
    _, again = await scans.scan_and_notify(NOTICES.scan)  # same day: each warning once
    assert [m.chat_id for m in await outbox(engine)].count(ZOMBIE) == 1
    assert again == []  # nothing changed: not even a summary
    actions = [await scan_next_day(scans, clock) for _ in range(14)]
    assert [a for a in actions if a != "none"] == ["warn_7", "warn_1", "archive"]
    stored = await outbox(engine)
    assert [(m.chat_id, m.kind) for m in stored[-3:]] == [
        (ZOMBIE, "text"), (ZOMBIE, RESTRICT), (ADMIN_CHAT, "text")]


async def test_a_dry_run_stores_nothing(engine):
    clock = at(WEDNESDAY)
    await zombie_district(engine, clock)
    scans = LifecycleService(engine, clock, LifecycleSettings(), ("临时",))
    assert await scans.scan(dry_run=True)
    assert await outbox(engine) == []


async def test_a_restore_gives_back_the_first_permissions_read(engine):
    clock = at(WEDNESDAY)
    await zombie_district(engine, clock)
    scans = LifecycleService(engine, clock, LifecycleSettings(), ("临时",))
    await scans.scan_and_notify(NOTICES.scan)
    for _ in range(14):
        await scan_next_day(scans, clock)
    (archived,) = [i for i in await scans.scan(dry_run=True) if i.chat_id == ZOMBIE]
    changes = LifecycleChanges(engine, clock, LifecycleSettings())
    await changes.remember_permissions(archived.pk, '{"can_send_messages": true}')
    await changes.remember_permissions(archived.pk, "{}")  # carried out again: ignored
    restored = await changes.restore(ZOMBIE, "user:1", notices=NOTICES.restored)
    assert restored.prior_permissions == '{"can_send_messages": true}'
    async with engine.connect() as conn:
        kinds = [m.message.kind for m in await outbox_rows.claim(conn, "t", restored.outbox)]
        state = await lifecycle_rows.load_state(conn, archived.pk)
    assert kinds == [PERMISSIONS, "text"] and state.prior_permissions is None


def test_fixed_moments_are_what_they_say():
    assert at(WEDNESDAY).today() == date(2026, 11, 25)
    assert at(WEDNESDAY).now() == datetime(2026, 11, 25, 10, tzinfo=SHANGHAI)


FIRE = [{"platform": "telegram", "chat_id": "-1001101", "title": "涌金门社区消防安全工作群",
         "purpose": "消防台账报送", "members": "王轩;李娜;张伟;赵敏;刘洋;陈静",
         "member_count": "30", "last_active": "2026-11-20"},
        {"platform": "telegram", "chat_id": "-1001102", "title": "涌金门社区消防台账群(新)",
         "purpose": "消防检查资料上报", "members": "王轩;李娜;张伟;赵敏;刘洋",
         "member_count": "25", "last_active": "2026-11-22"}]


def announce(fresh) -> list[Outgoing]:
    return [Outgoing(ADMIN_CHAT, "text", {"text": f"#{p.id}"}) for p in fresh]


async def matched(engine, clock) -> int:
    """Two duplicate Telegram groups matched once; returns the proposal's id."""
    await CensusService(engine, clock).import_rows(
        (parse_row(r, i) for i, r in enumerate(FIRE, 2)), ImportReport())
    matching = MatchingService(engine, clock, Lexicon.default())
    first = await matching.run(announce)
    assert len(first.proposals) == 1 and len(first.outbox) == 1
    again = await matching.run(announce)  # seen already: stored once, announced once
    assert again.proposals[0].id == first.proposals[0].id and again.outbox == ()
    return first.proposals[0].id


async def test_new_proposals_are_announced_once_with_the_run_that_found_them(engine):
    clock = at(WEDNESDAY)
    await matched(engine, clock)
    assert [(m.chat_id, m.kind) for m in await outbox(engine)] == [(ADMIN_CHAT, "text")]


async def test_read_only_after_the_grace_and_back_on_unmerge(engine):
    clock = at(WEDNESDAY)
    proposal = await matched(engine, clock)
    merges = MergeService(engine, clock)
    outcome = await merges.decide(proposal, 7, approve=True)
    assert outcome.result == "executed"
    (absorbed,) = outcome.absorbed
    assert await merges.make_read_only(timedelta(days=7)) == []  # within the grace
    clock.advance(timedelta(days=7))
    (restrict,) = await merges.make_read_only(timedelta(days=7))
    assert await merges.make_read_only(timedelta(days=7)) == []  # decided once
    await merges.remember_permissions(proposal, absorbed.pk, '{"can_send_messages": true}')
    await merges.remember_permissions(proposal, absorbed.pk, "{}")  # carried out again
    reverted = await merges.revert(proposal, 7)
    async with engine.connect() as conn:
        rows = await outbox_rows.claim(conn, "t", [restrict, *reverted.outbox])
    assert [(r.message.chat_id, r.message.kind) for r in rows] == [
        (int(absorbed.chat_id), RESTRICT), (int(absorbed.chat_id), PERMISSIONS)]
    assert rows[1].message.body == {"permissions": {"can_send_messages": True}}
