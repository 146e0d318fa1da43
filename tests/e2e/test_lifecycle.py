"""The lifecycle end to end: backdated activity, warnings once, renew on reply, archive, restore."""

import time
from datetime import timedelta

from groupbot.storage import bot_state
from tests.clocks import unix_now
from tests.e2e.conftest import ADMIN_CHAT, OWNER
from tests.fakebot import command_update, group, message_update, user

DAY = 86400
ZOMBIE = group(-1011, "涌金门社区防汛工作群")
QUIET = group(-1012, "涌金门社区老年协会群")


async def begin_policy_days_ago(bot, days: int) -> None:
    """The lifecycle was enabled long ago, so no rollout grace applies any more."""
    start = (bot.runtime.routines.scans.today() - timedelta(days=days)).isoformat()
    async with bot.runtime.engine.begin() as conn:
        await bot_state.put(conn, "lifecycle.policy_start", start)


async def scan(bot, days_ahead: int = 0):
    routines = bot.runtime.routines
    today = routines.scans.today() + timedelta(days=days_ahead)
    items, outbox = await routines.scans.scan_and_notify(routines.lifecycle_notices.scan, today)
    await routines.courier.deliver(outbox)
    return {i.chat_id: i.action for i in items}


async def setup(bot):
    for chat in (ZOMBIE, QUIET):
        bot.api.set_chat(chat["id"], title=chat["title"], member_count=9,
                         permissions={"can_send_messages": True, "can_send_polls": True})
        await bot.add_to_group(chat)
    long_ago = unix_now() - 100 * DAY
    await bot.push(*[message_update(chat, user(30 + i, f"网格员{i}"), text="x", date=long_ago)
                     for chat in (ZOMBIE, QUIET) for i in range(3)])
    await begin_policy_days_ago(bot, 60)


async def test_warning_once_then_a_reply_renews(bot):
    await setup(bot)
    assert (await scan(bot))[-1011] == "warn_14"
    warning = bot.api.sent_texts(-1011)[-1]
    assert "天没有人发言" in warning and "/keep" in warning
    assert "提醒 2 个" in bot.api.sent_texts(ADMIN_CHAT)[-1]
    sent = len(bot.api.sent_texts(-1011))
    assert (await scan(bot)).get(-1011) == "none"  # same day again: nothing repeated
    assert len(bot.api.sent_texts(-1011)) == sent
    assert (await bot.record(-1011)).status == "warned"
    await bot.push(message_update(ZOMBIE, user(31, "网格员1"), text="还在用"))
    assert (await scan(bot))[-1011] == "renew"
    assert (await bot.record(-1011)).status == "active"


async def test_every_warning_then_archive_read_only_then_restore(bot):
    await setup(bot)
    actions = [(await scan(bot, d)).get(-1012) for d in (0, 7, 13, 14)]
    assert actions == ["warn_14", "warn_7", "warn_1", "archive"]
    assert "已归档" in bot.api.sent_texts(-1012)[-1]
    assert bot.api.chat_permissions(-1012).get("can_send_messages") is False
    assert (await bot.record(-1012)).status == "archived"
    await bot.push(command_update(QUIET, OWNER, "/restore"))
    assert "已恢复" in bot.api.sent_texts(-1012)[-1]
    assert bot.api.chat_permissions(-1012) == {"can_send_messages": True,
                                               "can_send_polls": True}
    assert (await bot.record(-1012)).status == "restored"
    assert (await scan(bot, 15)).get(-1012) in (None, "none")  # protected after restore


async def test_keep_exempts_and_temporary_sets_an_end_date(bot):
    await setup(bot)
    await bot.push(command_update(ZOMBIE, OWNER, "/keep 汛期备用 until 2099-10-01"))
    assert "已保留本群" in bot.api.sent_texts(-1011)[-1]
    assert (await bot.record(-1011)).status == "exempt"
    assert -1011 not in {k for k, v in (await scan(bot, 30)).items() if v != "none"}
    await bot.push(command_update(QUIET, OWNER, "/temporary 2026-13-01"))
    assert "用法" in bot.api.sent_texts(-1012)[-1]
    bot.api.set_member(-1012, user(99, "路人"), "member")
    await bot.push(command_update(QUIET, user(99, "路人"), "/keep 想留"))
    assert (await bot.record(-1012)).status != "exempt"  # a plain member cannot keep it
    assert "只有本群群主" in bot.api.sent_texts(-1012)[-1]


async def test_approval_mode_asks_once_and_only_admins_decide(start_bot):
    from groupbot.config import LifecycleConfig
    from tests.e2e.conftest import ADMIN_ID

    bot = await start_bot(lifecycle=LifecycleConfig(require_approval=True))
    await setup(bot)
    actions = [(await scan(bot, d)).get(-1012) for d in (0, 7, 13, 14, 15)]
    assert actions == ["warn_14", "warn_7", "warn_1", "propose_archive", "none"]  # asked once
    posts = [c for c in bot.api.calls_to("sendMessage", chat_id=ADMIN_CHAT)
             if c["params"].get("reply_markup")]
    assert len(posts) == 2  # one proposal per group, never repeated

    def buttons(title: str) -> list[str]:
        post = next(p for p in posts if title in p["params"]["text"])
        return [b["callback_data"] for b in post["params"]["reply_markup"]["inline_keyboard"][0]]

    ok, _ = buttons("老年协会")
    assert ok.startswith("a:ok:")
    admin_chat = group(ADMIN_CHAT, "管理")

    def tap(who, data):
        return {"callback_query": {"id": f"q{time.monotonic_ns()}", "from": who,
                                   "chat_instance": "c", "data": data,
                                   "message": {"message_id": 1, "date": unix_now(),
                                               "chat": admin_chat}}}

    await bot.push(tap(user(5, "路人"), ok))
    assert (await bot.record(-1012)).status == "warned"
    await bot.push(tap(user(ADMIN_ID, "督导"), ok))
    assert (await scan(bot, 15)).get(-1012) == "archive"  # the approved group is archived
    assert (await bot.record(-1012)).status == "archived"
    _, refuse = buttons("防汛")
    await bot.push(tap(user(ADMIN_ID, "督导"), refuse))
    assert (await bot.record(-1011)).status == "exempt"
    assert -1011 not in {k for k, v in (await scan(bot, 20)).items() if v != "none"}
