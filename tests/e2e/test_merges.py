"""Merge proposals end to end: /match, signed buttons, approval, replay, read-only, /unmerge."""

import time

from tests.clocks import unix_now
from tests.e2e.conftest import ADMIN_CHAT, ADMIN_ID, OWNER
from tests.fakebot import command_update, group, message_update, user

ADMIN = user(ADMIN_ID, "督导")
STAFF = [user(10 + i, f"网格员{i}") for i in range(6)]
FIRE = group(-1001, "涌金门社区消防安全工作群")
FIRE_NEW = group(-1002, "涌金门社区消防台账群(新)")
PARTY = group(-1003, "涌金门社区党建工作群")
ADMIN_GROUP = group(ADMIN_CHAT, "groupbot 管理")


def tap(api, who: dict, data: str, message_id: int) -> dict:
    return {"callback_query": {"id": f"cq{time.monotonic_ns()}", "from": who,
                               "chat_instance": "ci", "data": data,
                               "message": {"message_id": message_id, "date": unix_now(),
                                           "chat": ADMIN_GROUP}}}


async def setup(bot):
    for chat in (FIRE, FIRE_NEW, PARTY):
        bot.api.set_chat(chat["id"], title=chat["title"], member_count=8,
                         permissions={"can_send_messages": True})
        await bot.add_to_group(chat)
    await bot.push(*[message_update(chat, person, text="收到")
                     for chat in (FIRE, FIRE_NEW, PARTY) for person in STAFF],
                   *[message_update(FIRE_NEW, STAFF[0], text="x") for _ in range(5)])
    bot.api.clear_calls()
    await bot.push(command_update(ADMIN_GROUP, ADMIN, "/match"))
    posts = [c for c in bot.api.calls_to("sendMessage", chat_id=ADMIN_CHAT)
             if c["params"].get("reply_markup")]
    assert len(posts) == 1, bot.api.sent_texts(ADMIN_CHAT)
    buttons = posts[0]["params"]["reply_markup"]["inline_keyboard"][0]
    return {b["callback_data"].split(":")[1]: b["callback_data"] for b in buttons}


def answers(api) -> list[str]:
    return [c["params"].get("text", "") for c in api.calls_to("answerCallbackQuery")]


async def test_match_posts_one_signed_proposal(bot):
    data = await setup(bot)
    assert set(data) == {"ok", "no", "info"}
    assert all(len(d.encode()) <= 64 for d in data.values())
    text = bot.api.sent_texts(ADMIN_CHAT)[-2]
    assert "涌金门社区消防安全工作群" in text and "党建" not in text
    assert "1 条建议，其中 1 条是新的" in bot.api.sent_texts(ADMIN_CHAT)[-1]
    await bot.push(command_update(ADMIN_GROUP, ADMIN, "/match"))
    assert "其中 0 条是新的" in bot.api.sent_texts(ADMIN_CHAT)[-1]  # nothing posted twice


async def test_only_admins_decide_and_forged_buttons_do_nothing(bot):
    data = await setup(bot)
    await bot.push(tap(bot.api, STAFF[1], data["ok"], 1))
    assert "只有 groupbot 管理员" in answers(bot.api)[-1]
    forged = data["ok"][:-1] + ("A" if data["ok"][-1] != "A" else "B")
    await bot.push(tap(bot.api, ADMIN, forged, 1))
    assert "按钮已失效" in answers(bot.api)[-1]
    await bot.push(tap(bot.api, ADMIN, data["ok"].replace(":1:", ":2:"), 1))
    assert "按钮已失效" in answers(bot.api)[-1]
    assert (await bot.record(-1001)).status == "active"
    assert (await bot.record(-1002)).status == "active"


async def test_approve_executes_once_announces_and_unmerge_restores(bot):
    data = await setup(bot)
    await bot.push(tap(bot.api, ADMIN, data["ok"], 1))
    assert "已合并" in answers(bot.api)[-1]
    assert (await bot.record(-1001)).status == "merged"
    assert (await bot.record(-1002)).status == "active"  # the more active group survives
    (announcement,) = bot.api.sent_texts(-1001)[-1:]
    assert "涌金门社区消防台账群(新)" in announcement and "https://t.me/" in announcement
    assert bot.api.calls_to("editMessageText")
    await bot.push(tap(bot.api, ADMIN, data["ok"], 1))  # replayed tap
    assert "已经处理过" in answers(bot.api)[-1]
    await bot.push(tap(bot.api, ADMIN, data["no"], 1))
    assert (await bot.record(-1001)).status == "merged"

    bot.runtime.routines.read_only_after *= 0
    await bot.runtime.routines.read_only()
    assert bot.api.chat_permissions(-1001).get("can_send_messages") is False

    await bot.push(command_update(ADMIN_GROUP, ADMIN, "/unmerge 1"))
    assert "已撤销" in bot.api.sent_texts(ADMIN_CHAT)[-1]
    assert (await bot.record(-1001)).status == "active"
    assert bot.api.chat_permissions(-1001).get("can_send_messages") is True


async def test_reject_is_remembered_and_lists(bot):
    data = await setup(bot)
    await bot.push(command_update(FIRE, OWNER, "/similar"))
    assert "涌金门社区消防台账群(新)" in bot.api.sent_texts(-1001)[-1]
    await bot.push(command_update(ADMIN_GROUP, ADMIN, "/merges"))
    assert "合并建议 #1" in bot.api.sent_texts(ADMIN_CHAT)[-1]
    await bot.push(tap(bot.api, ADMIN, data["no"], 1))
    assert "已否决" in answers(bot.api)[-1]
    await bot.push(command_update(ADMIN_GROUP, ADMIN, "/match"))
    assert "其中 0 条是新的" in bot.api.sent_texts(ADMIN_CHAT)[-1]  # not proposed again
    await bot.push(command_update(ADMIN_GROUP, ADMIN, "/merges"))
    assert "没有待处理" in bot.api.sent_texts(ADMIN_CHAT)[-1]


async def test_with_owners_decide_the_owner_of_every_group_decides(bot):
    data = await setup(bot)
    bot.runtime.merges.authority.owners_decide = True  # `matching.owners_decide = true`
    await bot.push(tap(bot.api, STAFF[1], data["ok"], 1))
    assert "所涉各群的群主" in answers(bot.api)[-1]
    assert (await bot.record(-1001)).status == "active"
    await bot.push(tap(bot.api, OWNER, data["ok"], 1))  # OWNER created both groups
    assert "已合并" in answers(bot.api)[-1]
    assert (await bot.record(-1001)).status == "merged"
