"""Activity, membership, titles, migration and removal, observed through the real bot."""

import asyncio
import json

from sqlalchemy import select

from groupbot.storage.tables import InboxUpdate, Member, MemberActivity
from tests.clocks import unix_now
from tests.e2e.conftest import ADMIN_ID, OWNER
from tests.fakebot import (
    bot_user_dict,
    chat_member_update,
    command_update,
    group,
    message_update,
    my_chat_member_update,
    user,
)


async def rows(bot, query):
    async with bot.runtime.engine.connect() as conn:
        return list(await conn.execute(query))


async def test_messages_count_and_no_text_is_stored(bot, work_group):
    await bot.add_to_group(work_group)
    people = [user(10 + i, f"成员{i}") for i in range(5)]
    secret = "会议纪要：机密内容"
    await bot.push(*[message_update(work_group, p, text=secret) for p in people for _ in range(4)])
    record = await bot.record(-1001)
    assert record.messages_30d == 20 and record.members_seen == 5
    assert record.last_active is not None
    active = await rows(bot, select(MemberActivity.member_id).where(MemberActivity.messages == 4))
    assert len(active) == 5
    dump = json.dumps([list(r) for r in await rows(bot, select(InboxUpdate))], default=str)
    assert secret not in dump


async def test_backdated_messages_fall_outside_the_window(bot, work_group):
    await bot.add_to_group(work_group)
    old = unix_now() - 40 * 86400
    await bot.push(message_update(work_group, OWNER, text="x", date=old),
                   message_update(work_group, OWNER, text="y"))
    assert (await bot.record(-1001)).messages_30d == 1


async def test_joins_leaves_and_member_count(bot, work_group):
    await bot.add_to_group(work_group)
    newcomer, leaver = user(20, "张三"), user(21, "李四")
    bot.api.set_chat(-1001, title=work_group["title"], member_count=14)
    bot.api.clear_calls()
    await bot.push(message_update(work_group, OWNER, text=None,
                                  new_chat_members=[newcomer, leaver]))
    assert (await bot.record(-1001)).members_seen == 2
    bot.api.wait_for_call("getChatMemberCount", chat_id=-1001, timeout=5)
    await bot.push(message_update(work_group, leaver, text=None, left_chat_member=leaver),
                   chat_member_update(work_group, OWNER, user(22, "王五"), "left", "member"))
    assert (await bot.record(-1001)).members_seen == 2  # newcomer and 王五
    for _ in range(200):  # the refresh runs in the background after the commit
        if (await bot.record(-1001)).member_count == 14:
            break
        await asyncio.sleep(0.02)
    assert (await bot.record(-1001)).member_count == 14


async def test_title_change_is_tracked(bot, work_group):
    await bot.add_to_group(work_group)
    renamed = {**work_group, "title": "消防台账报送群"}
    await bot.push(message_update(renamed, OWNER, text=None, new_chat_title="消防台账报送群"))
    assert (await bot.record(-1001)).title == "消防台账报送群"


async def test_migration_to_supergroup_keeps_history(bot, api):
    basic = group(-5, "网格员群", type="group")
    api.set_chat(-5, type="group", title="网格员群")
    await bot.add_to_group(basic)
    await bot.push(message_update(basic, OWNER, text="a"), message_update(basic, OWNER, text="b"))
    supergroup = group(-1005, "网格员群")
    await bot.push(message_update(basic, OWNER, text=None, migrate_to_chat_id=-1005),
                   message_update(supergroup, OWNER, text=None, migrate_from_chat_id=-5),
                   message_update(supergroup, OWNER, text="c"))
    assert await bot.record(-5) is None
    record = await bot.record(-1005)
    assert record.messages_30d == 3 and record.members_seen == 1


async def test_chat_migrated_error_on_send_rekeys(bot, api):
    basic = group(-6, "创文群", type="group")
    await bot.add_to_group(basic)
    api.inject_error("sendMessage", status=400, chat_id=-6, migrate_to_chat_id=-1006,
                     description="Bad Request: group chat was upgraded to a supergroup chat")
    await bot.push(command_update(basic, OWNER, "/status"))
    assert await bot.record(-6) is None
    assert (await bot.record(-1006)).title == "创文群"
    assert any("创文群" in t for t in api.sent_texts(-1006))


async def test_kicked_marks_bot_removed_and_keeps_rows(bot, work_group):
    await bot.add_to_group(work_group)
    await bot.push(message_update(work_group, OWNER, text="x"))
    await bot.push(my_chat_member_update(work_group, OWNER, bot_user_dict(bot.api),
                                         "administrator", "kicked"))
    record = await bot.record(-1001)
    assert record.status == "bot_removed" and record.messages_30d == 1
    assert len(await rows(bot, select(Member))) == 1


async def test_forbidden_on_send_marks_bot_removed(bot, work_group):
    await bot.add_to_group(work_group)
    bot.api.inject_error("sendMessage", status=403, chat_id=-1001,
                         description="Forbidden: bot was kicked from the supergroup chat")
    await bot.push(command_update(work_group, OWNER, "/status"))
    assert (await bot.record(-1001)).status == "bot_removed"


async def test_malformed_updates_are_quarantined_and_the_rest_counted(bot, work_group):
    await bot.add_to_group(work_group)
    await bot.push({"message": {"date": 1}},
                   {"message": {"chat": {"id": -1001}, "date": "x"}},
                   {"chat_member": None},
                   {"weird": [1, 2, 3]},
                   message_update(work_group, OWNER, text="ok"))
    assert (await bot.record(-1001)).messages_30d == 1
    failed = await rows(bot, select(InboxUpdate.kind).where(InboxUpdate.state == "failed"))
    assert len(failed) == 3


async def test_server_errors_on_send_are_retried(bot, work_group):
    await bot.add_to_group(work_group)
    bot.api.inject_error("sendMessage", status=502, times=2, chat_id=-1001)
    bot.api.clear_calls()
    await bot.push(command_update(work_group, OWNER, "/status"))
    sends = bot.api.calls_to("sendMessage", chat_id=-1001)
    assert [c.get("error") for c in sends] == [502, 502, None]
    assert "近 30 天消息" in sends[-1]["params"]["text"]


async def test_flood_control_on_send_waits_and_retries(bot, work_group):
    await bot.add_to_group(work_group)
    bot.api.clear_calls()
    bot.api.inject_error("sendMessage", status=429, retry_after=1, chat_id=-1001,
                         description="Too Many Requests: retry after 1")
    await bot.push(command_update(work_group, OWNER, "/status"))
    sends = bot.api.calls_to("sendMessage", chat_id=-1001)
    assert [c.get("error") for c in sends] == [429, None]
    assert sends[1]["time"] - sends[0]["time"] >= 0.9


async def test_flood_control_on_polling_loses_nothing(bot, work_group):
    await bot.add_to_group(work_group)
    bot.api.inject_error("getUpdates", status=429, retry_after=1, times=2)
    bot.api.inject_error("getUpdates", status=502, times=1)
    await bot.push(*[message_update(work_group, OWNER, text="x") for _ in range(30)])
    assert (await bot.record(-1001)).messages_30d == 30


async def test_an_update_the_database_rejects_is_isolated(bot, work_group):
    await bot.add_to_group(work_group)
    odd = user(2**63, "溢出")  # no 64-bit column can hold this id, on any database
    await bot.push(message_update(work_group, OWNER, text="a"),
                   message_update(work_group, odd, text="b"),
                   message_update(work_group, OWNER, text="c"))
    record = await bot.record(-1001)
    failed = await rows(bot, select(InboxUpdate.update_id).where(InboxUpdate.state == "failed"))
    assert (record.messages_30d, len(failed)) == (2, 1)


async def test_poison_dates_do_not_crash_the_bot(bot, work_group):
    await bot.add_to_group(work_group)
    await bot.push(message_update(work_group, OWNER, text="x", date=10**20),
                   message_update(work_group, OWNER, text="y"))
    assert (await bot.record(-1001)).messages_30d == 1
    assert not bot.task.done()


async def test_a_send_that_times_out_is_not_repeated_and_the_bot_goes_on(start_bot, work_group):
    bot = await start_bot(telegram={"request_timeout": 0.5})
    await bot.add_to_group(work_group)
    bot.api.clear_calls()
    bot.api.inject_delay("sendMessage", 1.5)  # Telegram took it, but answers too late
    await bot.push(command_update(work_group, OWNER, "/status"))
    await asyncio.sleep(1.5)
    assert len(bot.api.calls_to("sendMessage", chat_id=-1001)) == 1  # not sent twice
    assert not bot.task.done()
    await bot.push(command_update(work_group, OWNER, "/status"))  # and it goes on
    assert len(bot.api.calls_to("sendMessage", chat_id=-1001)) == 2


async def test_outbox_messages_after_a_timeout_still_go_out_once(start_bot):
    bot = await start_bot(telegram={"request_timeout": 0.5})
    bot.api.inject_delay("sendPhoto", 1.5)  # the digest's first message times out
    await bot.push(command_update({"id": ADMIN_ID, "type": "private", "first_name": "督"},
                                  {"id": ADMIN_ID, "is_bot": False, "first_name": "督"},
                                  "/digest"))
    assert bot.api.wait_for(lambda a: a.calls_to("sendDocument"), timeout=10)
    assert len(bot.api.calls_to("sendPhoto")) == 1 and len(bot.api.calls_to("sendDocument")) == 1
