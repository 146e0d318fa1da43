"""A refused caller is always answered, politely and in the configured language."""

from __future__ import annotations

import time

import pytest

from groupbot.telegram import callbacks
from tests.e2e.conftest import ADMIN_CHAT, ADMIN_ID
from tests.fakebot import command_update, group, user

MEMBER = user(41, "网格员")
ADMIN = user(ADMIN_ID, "督导")
CHANNEL = {"id": -100777, "type": "channel", "title": "社区公众号"}


@pytest.fixture
async def ready(bot, work_group):
    """The bot in a work group where MEMBER is an ordinary member."""
    await bot.add_to_group(work_group)
    bot.api.set_member(work_group["id"], MEMBER, "member")
    bot.api.clear_calls()
    return bot


def tap(who: dict, data: str, chat: dict) -> dict:
    return {"callback_query": {"id": f"cq{time.monotonic_ns()}", "from": who,
                               "chat_instance": "ci", "data": data,
                               "message": {"message_id": 1, "date": int(time.time()),
                                           "chat": chat}}}


@pytest.mark.parametrize(("text", "expected"), [
    ("/scan", "只有 groupbot 管理员"),
    ("/digest", "只有 groupbot 管理员"),
    ("/merges", "只有 groupbot 管理员"),
    ("/groups", "只有 groupbot 管理员"),
    ("/keep 汛期备用", "只有本群群主、管理员"),
    ("/temporary 2099-12-31", "只有本群群主、管理员"),
    ("/restore", "只有本群群主、管理员"),
    ("/purpose 消防", "只有本群群主、管理员"),
])
async def test_a_member_is_told_why(ready, work_group, text, expected):
    await ready.push(command_update(work_group, MEMBER, text))
    (answer,) = ready.replies(work_group["id"])
    assert answer.startswith("抱歉") and expected in answer, answer
    asked = ready.api.calls_to("getChatMember")
    # Telegram is asked about group admins only where that could change the answer.
    assert len(asked) == (0 if "groupbot" in expected else 1), text
    assert not ready.api.calls_to("sendDocument")


@pytest.mark.parametrize("text", ["/merges", "/match", "/scan", "/groups", "/unmerge 1"])
async def test_a_configured_admin_outside_the_admin_chat_is_told_where(ready, work_group,
                                                                         text):
    await ready.push(command_update(work_group, ADMIN, text))
    (answer,) = ready.replies(work_group["id"])
    assert answer.startswith("抱歉") and "管理群" in answer, answer
    assert not ready.replies(ADMIN_CHAT)  # nothing ran
    assert not ready.api.calls_to("getChatMember")


async def test_a_linked_channel_post_is_refused_without_asking_telegram(ready, work_group):
    await ready.push(command_update(work_group, user(777000, "Telegram"), "/keep 备用",
                                    sender_chat=CHANNEL))
    assert ready.replies(work_group["id"])[-1].startswith("抱歉")
    assert not ready.api.calls_to("getChatMember")


async def test_group_commands_elsewhere_get_group_only(ready):
    private = {"id": ADMIN_ID, "type": "private", "first_name": "督导"}
    await ready.push(command_update(private, ADMIN, "/keep 备用"))
    assert "工作群" in ready.replies(ADMIN_ID)[-1]
    assert ready.replies(ADMIN_ID)[-1].startswith("抱歉")


async def test_a_non_admin_tapping_an_archive_button_gets_an_alert(ready):
    secret = ready.runtime.lifecycle.notices.secret
    data = callbacks.sign(secret, "ok", 1, ADMIN_CHAT, kind=callbacks.ARCHIVE)
    await ready.push(tap(MEMBER, data, group(ADMIN_CHAT, "管理")))
    (answer,) = ready.api.calls_to("answerCallbackQuery")
    assert answer["params"]["show_alert"] is True
    assert "只有 groupbot 管理员" in answer["params"]["text"]
    assert not ready.api.calls_to("editMessageReplyMarkup")


async def test_refusals_follow_the_configured_language(start_bot, work_group):
    bot = await start_bot(language="en")
    await bot.add_to_group(work_group)
    bot.api.set_member(work_group["id"], MEMBER, "member")
    await bot.push(command_update(work_group, MEMBER, "/scan"))
    assert bot.replies(work_group["id"])[-1] == "Sorry, only groupbot admins can do that."
    await bot.push(command_update(work_group, MEMBER, "/forgetme"))
    assert bot.replies(work_group["id"])[-1].startswith("Sorry, please send this command")
