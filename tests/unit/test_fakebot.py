"""Tests for the fake Telegram Bot API server in tests/fakebot.py (raw HTTP and real PTB Bot)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import time

import httpx
import pytest
import pytest_asyncio
import telegram
from telegram import error as tg_error

from tests.fakebot import (
    FakeBotApi,
    bot_user_dict,
    chat_member_update,
    command_update,
    group,
    member_dict,
    message_update,
    my_chat_member_update,
    ptb_bot,
    user,
)

GROUP_ID = -1001234567890
ALICE = user(111, "Alice", username="alice")


@pytest.fixture
def api():
    with FakeBotApi() as server:
        yield server


@pytest.fixture
def raw(api):
    """Sync httpx client posting to ``/bot<token>/<method>``."""
    with httpx.Client(base_url=f"{api.base_url}{api.token}/", timeout=5) as client:
        yield client


@pytest_asyncio.fixture
async def bot(api):
    async with ptb_bot(api) as client:
        yield client


def later(seconds: float, func, *args, **kwargs) -> threading.Timer:
    """Run ``func(*args, **kwargs)`` from another thread after ``seconds``."""
    timer = threading.Timer(seconds, func, args, kwargs)
    timer.start()
    return timer


# --- raw protocol ---------------------------------------------------------------------------

def test_base_url_shape_and_keep_alive(api, raw):
    assert api.base_url == f"http://127.0.0.1:{api.port}/bot"
    first = raw.post("getMe")
    second = raw.post("GETME")  # method names are case-insensitive
    assert first.headers["content-type"] == "application/json"
    assert first.json() == second.json()
    assert first.json()["result"]["id"] == api.bot_id
    assert [c["method"] for c in api.calls] == ["getMe", "GETME"]


def test_wrong_token_is_401(api):
    resp = httpx.post(f"{api.base_url}999:nope/getMe")
    assert resp.status_code == 401
    assert resp.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}
    assert api.calls == []


def test_unknown_method_is_404_but_recorded(api, raw):
    resp = raw.post("frobnicate", data={"chat_id": "5"})
    assert resp.status_code == 404
    assert resp.json() == {"ok": False, "error_code": 404, "description": "Not Found"}
    assert api.calls_to("FROBNICATE") == [
        {"method": "frobnicate", "params": {"chat_id": 5}, "time": api.calls[0]["time"],
         "error": 404, "refusal": "Not Found"}]
    assert api.refusals == api.calls


def test_form_values_are_decoded_except_free_text(api, raw):
    markup = {"inline_keyboard": [[{"text": "a", "callback_data": "b"}]]}
    raw.post("sendMessage", data={"chat_id": str(GROUP_ID), "text": "42", "parse_mode": "HTML",
                                  "disable_notification": "true",
                                  "reply_markup": json.dumps(markup)})
    params = api.calls[-1]["params"]
    assert params == {"chat_id": GROUP_ID, "text": "42", "parse_mode": "HTML",
                      "disable_notification": True, "reply_markup": markup}


def test_json_body_accepted(api, raw):
    resp = raw.post("sendMessage", json={"chat_id": 7, "text": "json body"})
    assert resp.json()["result"]["text"] == "json body"
    assert api.sent_texts(chat_id=7) == ["json body"]


def test_missing_required_param_is_400(raw):
    resp = raw.post("sendMessage", data={"chat_id": "1"})
    assert resp.status_code == 400
    assert resp.json()["ok"] is False


@pytest.mark.parametrize(("method", "data"), [
    ("deleteWebhook", {}), ("setMyCommands", {"commands": "[]"}), ("leaveChat", {"chat_id": "1"}),
    ("logOut", {}), ("answerCallbackQuery", {"callback_query_id": "7"}),
    ("pinChatMessage", {"chat_id": "1", "message_id": "2"}), ("close", {})])
def test_simple_methods_return_true(api, raw, method, data):
    assert raw.post(method, data=data).json() == {"ok": True, "result": True}
    assert api.refusals == []


def test_get_webhook_info(raw):
    assert raw.post("getWebhookInfo").json()["result"] == {
        "url": "", "has_custom_certificate": False, "pending_update_count": 0}


# --- getUpdates -----------------------------------------------------------------------------

def test_update_ids_monotonic_and_limit(api, raw):
    ids = api.push_updates([message_update(group(GROUP_ID), ALICE) for _ in range(150)])
    assert ids == list(range(1, 151))
    assert api.push_update({"update_id": 500, "message": {}}) == 500
    assert api.push_update(message_update(group(GROUP_ID), ALICE)) == 501
    with pytest.raises(ValueError):
        api.push_update({"update_id": 3})
    first = raw.post("getUpdates").json()["result"]
    assert [u["update_id"] for u in first] == list(range(1, 101))  # default/max limit 100
    assert len(raw.post("getUpdates", data={"limit": "500"}).json()["result"]) == 100
    assert len(raw.post("getUpdates", data={"offset": "149", "limit": "5"}).json()["result"]) == 4
    assert api.pending_count() == 4 and api.confirmed_offset == 149
    assert api.get_updates_calls == 3
    assert all(c["method"] != "getUpdates" for c in api.calls)


def test_negative_offset_keeps_last_n(api, raw):
    api.push_updates([{"message": {}} for _ in range(5)])
    result = raw.post("getUpdates", data={"offset": "-2"}).json()["result"]
    assert [u["update_id"] for u in result] == [4, 5]
    assert api.pending_count() == 2 and api.confirmed_offset == 4


def test_long_poll_times_out_empty(api, raw):
    start = time.monotonic()
    assert raw.post("getUpdates", data={"timeout": "1"}).json()["result"] == []  # Integer
    assert 0.95 <= time.monotonic() - start < 3


def test_stop_releases_long_poller(api, raw):
    outcome = {}

    def poll():
        start = time.monotonic()
        # The connection being cut is an acceptable way to be released too.
        with contextlib.suppress(httpx.HTTPError):
            raw.post("getUpdates", data={"timeout": "30"})
        outcome["elapsed"] = time.monotonic() - start

    poller = threading.Thread(target=poll)
    poller.start()
    assert api.wait_for(lambda a: a.get_updates_calls == 1, timeout=2)
    api.stop()
    poller.join(timeout=3)
    assert outcome["elapsed"] < 2


def test_drains_many_updates_quickly(api, raw):
    api.push_updates([message_update(group(GROUP_ID), ALICE) for _ in range(2000)])
    offset, seen, start = 0, 0, time.monotonic()
    while batch := raw.post("getUpdates", data={"offset": str(offset)}).json()["result"]:
        seen += len(batch)
        offset = batch[-1]["update_id"] + 1
    assert seen == 2000 and api.pending_count() == 0
    assert time.monotonic() - start < 2


@pytest.mark.asyncio
async def test_ptb_get_updates_offset_confirmation(api, bot):
    api.push_updates([message_update(group(GROUP_ID), ALICE, text=f"m{i}") for i in range(3)])
    updates = await bot.get_updates(allowed_updates=["message", "my_chat_member"])
    assert [u.update_id for u in updates] == [1, 2, 3]
    assert updates[0].message.text == "m0" and updates[0].message.from_user.id == ALICE["id"]
    assert api.last_allowed_updates == ["message", "my_chat_member"]
    updates = await bot.get_updates(offset=3)
    assert [u.update_id for u in updates] == [3]
    assert api.confirmed_offset == 3 and api.pending_count() == 1


@pytest.mark.asyncio
async def test_ptb_long_poll_returns_early_on_push(api, bot):
    later(0.2, api.push_update, message_update(group(GROUP_ID), ALICE, text="wake"))
    start = time.monotonic()
    updates = await bot.get_updates(timeout=5)
    assert time.monotonic() - start < 2
    assert [u.message.text for u in updates] == ["wake"]


# --- messages ------------------------------------------------------------------------------

@pytest.mark.asyncio
async def test_get_me(bot, api):
    me = await bot.get_me()
    assert (me.id, me.is_bot, me.username) == (api.bot_id, True, "groupbot_test_bot")
    assert me.can_join_groups is True and me.can_read_all_group_messages is False


@pytest.mark.asyncio
async def test_get_me_privacy_flag():
    with FakeBotApi(bot_id=42, bot_username="other_bot", can_read_all_group_messages=True) as a:
        async with ptb_bot(a) as b:
            assert (b.bot.id, b.bot.username) == (42, "other_bot")
            assert b.bot.can_read_all_group_messages is True


@pytest.mark.asyncio
async def test_send_message_returns_message(api, bot):
    api.set_chat(GROUP_ID, title="Ops")
    markup = telegram.InlineKeyboardMarkup.from_button(
        telegram.InlineKeyboardButton("Go", callback_data="go"))
    first = await bot.send_message(GROUP_ID, "hello <b>all</b>", parse_mode="HTML",
                                   reply_markup=markup)
    second = await bot.send_message(ALICE["id"], "hi alice")
    assert isinstance(first, telegram.Message)
    assert second.message_id == first.message_id + 1
    assert first.text == "hello <b>all</b>" and first.chat.title == "Ops"
    assert first.chat.type == "supergroup" and first.from_user.id == api.bot_id
    assert first.reply_markup == markup
    assert second.chat.type == "private"
    assert api.sent_texts() == ["hello <b>all</b>", "hi alice"]
    assert api.sent_texts(chat_id=str(GROUP_ID)) == ["hello <b>all</b>"]
    assert api.calls_to("sendmessage", GROUP_ID)[0]["params"]["parse_mode"] == "HTML"


@pytest.mark.asyncio
async def test_edit_message(api, bot):
    edited = await bot.edit_message_text("new", chat_id=GROUP_ID, message_id=77)
    assert (edited.message_id, edited.text) == (77, "new") and edited.edit_date is not None
    markup = telegram.InlineKeyboardMarkup([[telegram.InlineKeyboardButton("x", url="https://x.y")]])
    edited = await bot.edit_message_reply_markup(chat_id=GROUP_ID, message_id=78,
                                                 reply_markup=markup)
    assert edited.message_id == 78 and edited.reply_markup == markup


@pytest.mark.asyncio
async def test_send_photo_and_document_multipart(api, bot):
    payload = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
    photo_msg = await bot.send_photo(GROUP_ID, payload, caption="chart", filename="chart.png")
    assert photo_msg.caption == "chart" and photo_msg.photo[0].file_id
    photo = api.calls_to("sendPhoto")[0]["params"]
    assert photo["chat_id"] == GROUP_ID and photo["caption"] == "chart"
    assert photo["photo"] == {"filename": "chart.png", "content_type": "image/png",
                              "size": len(payload)}
    doc_msg = await bot.send_document(GROUP_ID, b"a,b\n1,2\n", filename="report.csv")
    assert doc_msg.document.file_name == "report.csv"
    assert api.calls_to("sendDocument", GROUP_ID)[0]["params"]["document"]["size"] == 8


# --- chats and members ----------------------------------------------------------------------

@pytest.mark.asyncio
async def test_get_chat_full_info_and_permissions(api, bot):
    api.set_chat(GROUP_ID, title="Ops", member_count=42)
    info = await bot.get_chat(GROUP_ID)
    assert isinstance(info, telegram.ChatFullInfo)
    assert (info.id, info.title, info.type, info.permissions) == (GROUP_ID, "Ops", "supergroup",
                                                                  None)
    perms = telegram.ChatPermissions(can_send_messages=False, can_invite_users=True)
    assert await bot.set_chat_permissions(GROUP_ID, perms) is True
    assert api.chat_permissions(GROUP_ID) == {"can_send_messages": False,
                                              "can_invite_users": True}
    assert api.calls_to("setChatPermissions")[0]["params"]["permissions"] == {
        "can_send_messages": False, "can_invite_users": True}
    assert (await bot.get_chat(GROUP_ID)).permissions == perms
    assert await bot.get_chat_member_count(GROUP_ID) == 42
    assert await bot.get_chat_member_count(-5) == 10
    assert (await bot.get_chat(5)).type == "private"


@pytest.mark.asyncio
@pytest.mark.parametrize(("status", "cls"), [
    ("creator", telegram.ChatMemberOwner),
    ("administrator", telegram.ChatMemberAdministrator),
    ("member", telegram.ChatMemberMember),
    ("restricted", telegram.ChatMemberRestricted),
    ("left", telegram.ChatMemberLeft),
    ("kicked", telegram.ChatMemberBanned),
])
async def test_get_chat_member_each_status(api, bot, status, cls):
    api.set_member(GROUP_ID, ALICE, status)
    member = await bot.get_chat_member(GROUP_ID, ALICE["id"])
    assert type(member) is cls
    assert member.status == status and member.user.username == "alice"


@pytest.mark.asyncio
async def test_get_chat_member_defaults(api, bot):
    me = await bot.get_chat_member(GROUP_ID, api.bot_id)
    assert isinstance(me, telegram.ChatMemberMember) and me.user.id == api.bot_id
    stranger = await bot.get_chat_member(GROUP_ID, 999)
    assert isinstance(stranger, telegram.ChatMemberLeft) and stranger.user.first_name == "999"


@pytest.mark.asyncio
async def test_get_chat_administrators(api, bot):
    api.set_member(GROUP_ID, ALICE, "creator")
    api.set_member(GROUP_ID, user(222, "Bob"), "administrator")
    api.set_member(GROUP_ID, user(333, "Carol"), "member")
    admins = await bot.get_chat_administrators(GROUP_ID)
    assert sorted(a.user.id for a in admins) == [111, 222]
    assert {a.status for a in admins} == {"creator", "administrator"}


@pytest.mark.asyncio
async def test_moderation_updates_member_state(api, bot):
    api.set_member(GROUP_ID, ALICE, "member")
    await bot.restrict_chat_member(GROUP_ID, ALICE["id"],
                                   telegram.ChatPermissions(can_send_messages=False))
    muted = await bot.get_chat_member(GROUP_ID, ALICE["id"])
    assert muted.status == "restricted" and muted.can_send_messages is False
    await bot.ban_chat_member(GROUP_ID, ALICE["id"])
    assert (await bot.get_chat_member(GROUP_ID, ALICE["id"])).status == "kicked"
    await bot.unban_chat_member(GROUP_ID, ALICE["id"])
    assert (await bot.get_chat_member(GROUP_ID, ALICE["id"])).status == "left"


@pytest.mark.asyncio
async def test_invite_links(bot):
    assert await bot.export_chat_invite_link(GROUP_ID) == f"https://t.me/+fake{GROUP_ID}"
    link = await bot.create_chat_invite_link(GROUP_ID)
    assert isinstance(link, telegram.ChatInviteLink)
    assert link.invite_link.startswith("https://t.me/+fake") and link.creator.is_bot


# --- fault injection ------------------------------------------------------------------------

@pytest.mark.asyncio
@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")  # int retry_after
async def test_inject_429_raises_retry_after(api, bot):
    api.inject_error("sendmessage", status=429, description="Too Many Requests: retry after 7",
                     retry_after=7)
    with pytest.raises(tg_error.RetryAfter) as excinfo:
        await bot.send_message(GROUP_ID, "flood")
    assert excinfo.value.retry_after == 7  # PTB 22.8 still returns int by default
    assert (await bot.send_message(GROUP_ID, "flood")).text == "flood"  # times=1 used up
    assert [c.get("error") for c in api.calls_to("sendMessage")] == [429, None]
    assert api.sent_texts() == ["flood"]  # only the successful one


@pytest.mark.asyncio
async def test_inject_migrate_raises_chat_migrated(api, bot):
    api.inject_error("sendMessage", status=400, migrate_to_chat_id=GROUP_ID,
                     description="Bad Request: group chat was upgraded to a supergroup chat")
    with pytest.raises(tg_error.ChatMigrated) as excinfo:
        await bot.send_message(-42, "hi")
    assert excinfo.value.new_chat_id == GROUP_ID


@pytest.mark.asyncio
async def test_inject_403_and_5xx(api, bot):
    api.inject_error("getChat", status=403,
                     description="Forbidden: bot was kicked from the supergroup chat")
    with pytest.raises(tg_error.Forbidden, match="bot was kicked"):
        await bot.get_chat(GROUP_ID)
    api.inject_error("sendMessage", status=500, description="Internal Server Error", times=2)
    for _ in range(2):
        with pytest.raises(tg_error.NetworkError) as excinfo:
            await bot.send_message(GROUP_ID, "x")
        assert type(excinfo.value) is tg_error.NetworkError  # not a BadRequest subclass
    api.inject_error("sendMessage", status=502)
    with pytest.raises(tg_error.NetworkError):
        await bot.send_message(GROUP_ID, "x")
    await bot.send_message(GROUP_ID, "x")


@pytest.mark.asyncio
async def test_inject_error_chat_filter(api, bot):
    api.inject_error("sendMessage", status=403, chat_id=GROUP_ID, description="Forbidden: no")
    await bot.send_message(-1, "other chat is fine")
    with pytest.raises(tg_error.Forbidden):
        await bot.send_message(GROUP_ID, "blocked")
    raw_body = httpx.post(f"{api.base_url}{api.token}/sendMessage",
                          data={"chat_id": "1", "text": "t"}).json()
    assert raw_body["ok"] is True
    api.inject_error("sendMessage", status=429, retry_after=3)
    resp = httpx.post(f"{api.base_url}{api.token}/sendMessage", data={"chat_id": "1", "text": "t"})
    assert resp.status_code == 429
    assert resp.json() == {"ok": False, "error_code": 429, "description": "injected",
                           "parameters": {"retry_after": 3}}


@pytest.mark.asyncio
async def test_wrong_token_raises_invalid_token(api):
    with pytest.raises(tg_error.InvalidToken, match="rejected by the server"):
        async with ptb_bot(api, token="999:wrong"):
            pass  # initialize() calls getMe, which must fail


@pytest.mark.asyncio
async def test_inject_delay_triggers_timeout(api, bot):
    api.inject_delay("getChat", 0.5)
    with pytest.raises(tg_error.TimedOut):
        await bot.get_chat(GROUP_ID, read_timeout=0.1)
    assert (await bot.get_chat(GROUP_ID)).id == GROUP_ID  # only the first call was delayed


# --- waiting helpers ------------------------------------------------------------------------

def test_wait_for_call_wakes_on_request_from_other_thread(api, raw):
    later(0.1, raw.post, "sendMessage", data={"chat_id": "5", "text": "late"})
    calls = api.wait_for_call("sendMessage", chat_id=5, timeout=3)
    assert calls[0]["params"]["text"] == "late"
    assert api.wait_for(lambda a: a.sent_texts() == ["late"], timeout=1)
    assert api.wait_for(lambda a: len(a.calls) > 5, timeout=0.05) is False


def test_wait_for_call_timeout_lists_methods(api, raw):
    raw.post("getMe")
    with pytest.raises(AssertionError, match=r"sendMessage.*getMe"):
        api.wait_for_call("sendMessage", timeout=0.05)
    api.clear_calls()
    assert api.calls == [] and api.calls_to("getMe") == []


@pytest.mark.asyncio
async def test_wait_for_call_with_count_while_bot_runs(api, bot):
    sends = [bot.send_message(9, f"n{i}") for i in range(5)]
    sender = asyncio.ensure_future(asyncio.gather(*sends))
    calls = await asyncio.to_thread(api.wait_for_call, "sendMessage", 9, 5, 3)
    await sender
    assert sorted(c["params"]["text"] for c in calls) == [f"n{i}" for i in range(5)]


# --- update builders ------------------------------------------------------------------------

def test_builders_deserialize_with_ptb(api):
    chat = group(GROUP_ID, "Ops")
    cmd = telegram.Update.de_json({"update_id": 1, **command_update(chat, ALICE, "/start@x a")},
                                  None)
    assert cmd.message.text == "/start@x a" and cmd.message.chat.title == "Ops"
    assert cmd.message.entities[0].type == "bot_command" and cmd.message.entities[0].length == 8
    plain = message_update(chat, None, text=None, message_id=5, date=100, caption="c")["message"]
    assert plain == {"message_id": 5, "date": 100, "chat": chat, "caption": "c"}
    mine = my_chat_member_update(chat, ALICE, bot_user_dict(api), "left", "administrator")
    upd = telegram.Update.de_json({"update_id": 2, **mine}, None)
    assert upd.my_chat_member.new_chat_member.status == "administrator"
    assert upd.my_chat_member.new_chat_member.user.id == api.bot_id
    other = chat_member_update(chat, ALICE, user(5, "Eve"), "restricted", "kicked", date=1)
    upd = telegram.Update.de_json({"update_id": 3, **other}, None)
    assert isinstance(upd.chat_member.old_chat_member, telegram.ChatMemberRestricted)
    assert isinstance(upd.chat_member.new_chat_member, telegram.ChatMemberBanned)


def test_member_dict_rejects_unknown_status():
    with pytest.raises(ValueError):
        member_dict(ALICE, "owner")
