"""Adding the bot registers the group; /purpose, /status and /groups work with permissions."""

import asyncio

from tests.e2e.conftest import ADMIN_CHAT, ADMIN_ID, OWNER
from tests.fakebot import (
    bot_user_dict,
    command_update,
    group,
    message_update,
    my_chat_member_update,
    user,
)

MEMBER = user(2, "李", "娜")


async def test_added_as_member_registers_and_warns_about_rights(bot, work_group):
    await bot.add_to_group(work_group, status="member")
    (welcome,) = bot.replies(-1001)
    assert "涌金门社区消防安全工作群" in welcome and "/purpose" in welcome
    assert "不是本群管理员" in welcome
    record = await bot.record(-1001)
    assert record.status == "active" and record.bot_is_admin is False
    assert (record.owner, record.member_count) == ("王 轩", 12)


async def test_english_welcome_as_admin(start_bot, work_group):
    bot = await start_bot(language="en")
    await bot.add_to_group(work_group)
    (welcome,) = bot.replies(-1001)
    assert "/purpose" in welcome and "I can see activity" in welcome
    assert (await bot.record(-1001)).bot_is_admin is True


async def test_promotion_is_acknowledged_and_no_change_is_silent(bot, work_group):
    await bot.add_to_group(work_group, status="member")
    await bot.push(my_chat_member_update(work_group, OWNER, bot_user_dict(bot.api), "member",
                                         "administrator"))
    assert "已能看到群内活动" in bot.replies(-1001)[-1]
    sent = len(bot.api.calls_to("sendMessage", chat_id=-1001))
    await bot.push(my_chat_member_update(work_group, OWNER, bot_user_dict(bot.api),
                                         "administrator", "administrator"))
    assert len(bot.api.calls_to("sendMessage", chat_id=-1001)) == sent


async def test_purpose_by_group_owner(bot, work_group):
    await bot.add_to_group(work_group)
    await bot.push(command_update(work_group, OWNER, "/purpose 消防检查台账报送"))
    assert "消防检查台账报送" in bot.replies(-1001)[-1]
    assert (await bot.record(-1001)).purpose == "消防检查台账报送"


async def test_purpose_refused_for_plain_member(bot, work_group):
    await bot.add_to_group(work_group)
    bot.api.set_member(-1001, MEMBER, "member")
    await bot.push(command_update(work_group, MEMBER, "/register 随便聊"))
    assert "只有本群群主" in bot.replies(-1001)[-1]
    assert (await bot.record(-1001)).purpose is None


async def test_purpose_by_configured_admin_and_anonymous_admin(bot, work_group):
    await bot.add_to_group(work_group)
    await bot.push(command_update(work_group, user(ADMIN_ID, "督导"), "/register 网格管理"))
    assert (await bot.record(-1001)).purpose == "网格管理"
    anonymous = user(1087968824, "Group", is_bot=True)
    await bot.push(command_update(work_group, anonymous, "/purpose 文明创建",
                                  sender_chat=work_group))
    assert (await bot.record(-1001)).purpose == "文明创建"


async def test_bad_purposes_get_clear_answers(bot, work_group):
    await bot.add_to_group(work_group)
    await bot.push(command_update(work_group, OWNER, "/purpose"))
    assert "用法" in bot.replies(-1001)[-1]
    await bot.push(command_update(work_group, OWNER, "/purpose " + "消" * 500))
    assert "太长" in bot.replies(-1001)[-1]
    await bot.push(command_update(work_group, OWNER, "/purpose \u202e垃圾\x00分类\U0001f5d1"))
    assert (await bot.record(-1001)).purpose == "垃圾 分类\U0001f5d1"


async def test_status_shows_the_record(bot, work_group):
    await bot.add_to_group(work_group)
    bot.api.set_chat(-1001, title="涌金门社区消防安全工作群", member_count=30)
    others = [user(10 + i, f"成员{i}") for i in range(3)]
    await bot.push(*[message_update(work_group, u, text="收到") for u in others],
                   message_update(work_group, user(77, "otherbot", is_bot=True), text="ping"))
    await bot.push(command_update(work_group, OWNER, "/status"))
    answer = bot.replies(-1001)[-1]
    assert "已见 4 / 共 30" in answer  # three members and the owner who sent /status
    assert "近 30 天消息：4" in answer  # the bot's message is not human activity
    assert "负责人：王 轩" in answer


async def test_groups_summary_for_admins_in_admin_chat(bot, work_group):
    await bot.add_to_group(work_group)
    admin_chat = group(ADMIN_CHAT, "groupbot 管理")
    await bot.push(command_update(admin_chat, user(ADMIN_ID, "督导"), "/groups"))
    summary = bot.replies(ADMIN_CHAT)[-1]
    assert "工作群总览（共 2 个）" in summary  # the admin chat itself is registered too
    await bot.push(command_update(admin_chat, MEMBER, "/groups"))
    assert "只有 groupbot 管理员" in bot.replies(ADMIN_CHAT)[-1]
    await bot.push(command_update(work_group, user(ADMIN_ID, "督导"), "/groups"))
    assert "管理群" in bot.replies(-1001)[-1]


async def test_unknown_commands(bot, work_group):
    await bot.add_to_group(work_group)
    before = len(bot.replies(-1001))
    await bot.push(command_update(work_group, OWNER, "/weather"))
    assert len(bot.replies(-1001)) == before  # may be meant for another bot
    await bot.push(command_update(work_group, OWNER, "/weather@groupbot_test_bot"))
    assert "不认识这个命令" in bot.replies(-1001)[-1]
    private = {"id": 2, "type": "private", "first_name": "李"}
    await bot.push(command_update(private, MEMBER, "/start"))
    assert "/purpose" in bot.replies(2)[-1]


async def test_polling_asks_for_membership_updates(bot):
    await asyncio.to_thread(bot.api.wait_for, lambda api: api.last_allowed_updates is not None)
    assert {"chat_member", "my_chat_member", "message"} <= set(bot.api.last_allowed_updates)


async def test_group_admin_checks_are_cached(bot, work_group):
    await bot.add_to_group(work_group)
    bot.api.set_member(-1001, MEMBER, "administrator")
    bot.api.clear_calls()
    await bot.push(command_update(work_group, MEMBER, "/purpose 一"),
                   command_update(work_group, MEMBER, "/purpose 二"))
    assert len(bot.api.calls_to("getChatMember", chat_id=-1001)) == 1
    assert (await bot.record(-1001)).purpose == "二"


async def test_a_flooding_user_is_limited_and_others_are_not(bot):
    # In private chats: a group's own 20-per-minute send limit would blur the picture.
    flooder = {"id": 2, "type": "private", "first_name": "李"}
    await bot.push(*[command_update(flooder, MEMBER, "/help") for _ in range(25)])
    assert len(bot.replies(2)) == 20  # the default limit per user per minute
    other = {"id": 1, "type": "private", "first_name": "王"}
    await bot.push(command_update(other, OWNER, "/help"))
    assert len(bot.replies(1)) == 1


async def test_configured_admins_are_not_rate_limited(bot):
    # After downtime an admin's queued approvals arrive at once; none may be dropped.
    admin_chat = {"id": ADMIN_ID, "type": "private", "first_name": "督"}
    await bot.push(*[command_update(admin_chat, user(ADMIN_ID, "督导"), "/help")
                     for _ in range(25)])
    assert len(bot.replies(ADMIN_ID)) == 25
