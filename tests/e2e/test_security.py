"""Every action × every caller status: only the allowed ones change anything."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from groupbot.storage.tables import Group, Lifecycle, MergeProposal
from groupbot.telegram import callbacks
from tests.clocks import unix_now
from tests.db_helpers import fetch
from tests.e2e.conftest import ADMIN_CHAT, ADMIN_ID
from tests.fakebot import (
    bot_user_dict,
    chat_member_update,
    command_update,
    group,
    message_update,
    my_chat_member_update,
    user,
)

CREATOR = user(31, "群主")
CALLER = user(32, "来访者")
ANONYMOUS = user(1087968824, "Group", is_bot=True)
STATUSES = ("creator", "administrator", "member", "left", "anonymous", "configured_admin",
            "demoted")
GROUP_ALLOWED = {"creator", "administrator", "anonymous", "configured_admin"}
ADMIN_ONLY = {"configured_admin"}


def caller(status: str) -> dict:
    return {"creator": CREATOR, "configured_admin": user(ADMIN_ID, "督导"),
            "anonymous": ANONYMOUS}.get(status, CALLER)


async def prepare(bot, chat: dict, status: str) -> None:
    """A registered group in which the caller has `status`."""
    bot.api.set_member(chat["id"], CREATOR, "creator")
    await bot.push(my_chat_member_update(chat, CREATOR, bot_user_dict(bot.api), "left",
                                         "administrator"))
    if status in ("administrator", "member", "left", "demoted"):
        bot.api.set_member(chat["id"], CALLER, "administrator" if status == "demoted"
                           else status)
    if status == "configured_admin":
        bot.api.set_member(chat["id"], user(ADMIN_ID, "督导"), "member")
    if status == "demoted":
        # An admin acts (filling the permission cache), then loses the rights.
        await bot.push(command_update(chat, CALLER, "/purpose 原来的用途"))
        bot.api.set_member(chat["id"], CALLER, "member")
        await bot.push(chat_member_update(chat, CREATOR, CALLER, "administrator", "member"))


def command(chat: dict, status: str, text: str) -> dict:
    extra = {"sender_chat": chat} if status == "anonymous" else {}
    return command_update(chat, caller(status), text, **extra)


async def row(db_url: str, statement):
    found = await fetch(db_url, statement)
    return found[0] if found else None


GROUP_ACTIONS = {
    "/purpose 消防安全": lambda r: r.purpose == "消防安全",
    "/keep 汛期备用": None,
    "/temporary 2099-12-31": None,
}


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("action", list(GROUP_ACTIONS))
async def test_group_commands(start_bot, db_url, status, action):
    if not db_url.startswith("sqlite"):
        pytest.skip("permissions do not depend on the database")
    bot = await start_bot()
    chat = group(-1400, "涌金门社区消防安全工作群")
    await prepare(bot, chat, status)
    await bot.push(command(chat, status, action))
    if action.startswith("/purpose"):
        changed = (await bot.record(chat["id"])).purpose == "消防安全"
    else:
        life = await row(db_url, select(Lifecycle.exempt, Lifecycle.temporary)
                         .join(Group, Group.id == Lifecycle.group_id)
                         .where(Group.chat_id == chat["id"]))
        changed = bool(life and (life.exempt if "keep" in action else life.temporary))
    assert changed == (status in GROUP_ALLOWED), (action, status)


ADMIN_ACTIONS = ("/digest", "/groups", "/scan", "/match", "/merges")
REFUSAL = "抱歉"  # every refusal starts so


@pytest.mark.parametrize("status", STATUSES)
async def test_admin_chat_commands_and_merge_taps(start_bot, db_url, status):
    if not db_url.startswith("sqlite"):
        pytest.skip("permissions do not depend on the database")
    bot = await start_bot()
    admin_chat = group(ADMIN_CHAT, "groupbot 管理")
    await prepare(bot, admin_chat, status)
    pair = [group(-1501, "第1网格消防安全工作群"), group(-1502, "第1网格消防台账群(新)")]
    staff = [user(700 + k, f"网格员{k}") for k in range(4)]
    for chat in pair:
        bot.api.set_chat(chat["id"], title=chat["title"], member_count=5)
        bot.api.set_member(chat["id"], CREATOR, "creator")
        await bot.push(my_chat_member_update(chat, CREATOR, bot_user_dict(bot.api), "left",
                                             "administrator"))
    await bot.push(*[message_update(c, p, text="收到") for c in pair for p in staff])
    (proposal,) = (await bot.runtime.merges.matching.run()).proposals
    for text in ADMIN_ACTIONS:
        bot.api.clear_calls()
        await bot.push(command(admin_chat, status, text))
        answers = [t for t in bot.api.sent_texts(ADMIN_CHAT) if not t.startswith(REFUSAL)]
        acted = bool(answers or bot.api.calls_to("sendDocument"))
        assert acted == (status in ADMIN_ONLY), (text, status)
    tapper = caller(status)
    data = callbacks.sign(bot.runtime.merges.secret, "ok", proposal.id, ADMIN_CHAT)
    await bot.push({"callback_query": {"id": f"cq{time.monotonic_ns()}", "from": tapper,
                                       "chat_instance": "ci", "data": data,
                                       "message": {"message_id": 1, "date": unix_now(),
                                                   "chat": admin_chat}}})
    stored = await row(db_url, select(MergeProposal.status)
                       .where(MergeProposal.id == proposal.id))
    assert (stored.status == "executed") == (status in ADMIN_ONLY), status
