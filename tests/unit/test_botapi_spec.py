"""The Bot API spec check behind the fake: good calls pass, each kind of violation is refused."""

from __future__ import annotations

import functools
import json
import socket

import httpx
import pytest
import telegram
from telegram import error as tg_error

from tests import botapi_spec, fakebot
from tests.botapi_spec import InputFilePart, SpecMissingError, check_request, load_spec
from tests.fakebot import FakeBotApi, ptb_bot

CHAT = "-1001234567890"


def button(**fields) -> dict:
    return {"text": "Go", **fields}


def keyboard(*buttons: dict) -> str:
    """A form-encoded reply_markup, as PTB sends it."""
    return json.dumps({"inline_keyboard": [list(buttons)]})


def refused(method: str, params: dict) -> str:
    """The description of a refused call (fails if the call passes)."""
    result = check_request(method, params)
    assert result is not None, f"{method} {params} passed"
    assert result[0] == 400 and result[1].startswith("Bad Request: ")
    return result[1]


def test_spec_is_loaded_once():
    assert load_spec() is load_spec()
    assert load_spec().version == "Bot API 10.1"


def test_missing_spec_fails_loudly(tmp_path, monkeypatch):
    with pytest.raises(SpecMissingError, match=r"not found at .*api\.json"):
        load_spec(tmp_path / "api.json")
    monkeypatch.setattr(fakebot, "load_spec",
                        functools.partial(botapi_spec.load_spec, tmp_path / "api.json"))
    with pytest.raises(SpecMissingError):
        FakeBotApi().start()


@pytest.mark.parametrize(("method", "params"), [
    ("getMe", {}),
    ("GETME", {}),
    ("sendMessage", {"chat_id": CHAT, "text": "hi", "parse_mode": "HTML",
                     "disable_notification": "true", "reply_markup": keyboard(
                         button(callback_data="x" * 64), button(url="https://t.me"))}),
    ("sendMessage", {"chat_id": -5, "text": "json body", "link_preview_options":
                     {"is_disabled": True}, "reply_parameters": {"message_id": 3}}),
    ("sendMessage", {"chat_id": "@channel", "text": "<b>x</b>" * 1000 + "y" * 3000,
                     "parse_mode": "HTML"}),
    ("sendMessage", {"chat_id": CHAT, "text": "t", "reply_markup": '{"force_reply": true}'}),
    ("sendPhoto", {"chat_id": CHAT, "caption": "c" * 1024, "photo": InputFilePart(size=3)}),
    ("sendDocument", {"chat_id": CHAT, "document": "file-id-or-url"}),
    ("getUpdates", {"offset": "-1", "timeout": "30", "allowed_updates": '["message"]'}),
    ("setMyCommands", {"commands": json.dumps([{"command": "start_2", "description": "d"}]),
                       "scope": '{"type": "chat", "chat_id": "-100"}'}),
    ("setMyCommands", {"commands": json.dumps(
        [{"command": f"c{i}", "description": "d"} for i in range(100)])}),
    ("restrictChatMember", {"chat_id": CHAT, "user_id": "7", "until_date": "0",
                            "permissions": '{"can_send_messages": false}'}),
    ("setChatTitle", {"chat_id": CHAT, "title": "题" * 128}),
    ("answerCallbackQuery", {"callback_query_id": "123", "text": "t" * 200}),
    ("createChatInviteLink", {"chat_id": CHAT, "name": "n" * 32}),
])
def test_good_calls_pass(method, params):
    assert check_request(method, params) is None


def test_unknown_method_is_404():
    assert check_request("frobnicate", {}) == (404, "Not Found")


def test_missing_required_parameter():
    assert 'required parameter "text" is missing' in refused("sendMessage", {"chat_id": CHAT})


def test_unknown_parameter_is_named():
    reason = refused("sendMessage", {"chat_id": CHAT, "text": "t", "colour": "red"})
    assert reason == 'Bad Request: sendMessage: unknown parameter "colour"'


@pytest.mark.parametrize(("params", "expected"), [
    ({"chat_id": CHAT, "message_id": "seven"}, '"message_id" must be Integer'),
    ({"chat_id": CHAT, "message_id": "1", "disable_notification": "maybe"},
     '"disable_notification" must be Boolean'),
    ({"chat_id": [1], "message_id": "1"}, '"chat_id" must be Integer or String'),
])
def test_wrong_type(params, expected):
    assert expected in refused("pinChatMessage", params)


@pytest.mark.parametrize(("permissions", "expected"), [
    ('{"can_send_messages": "nope"}', '"permissions.can_send_messages" must be Boolean'),
    ('{"can_fly": true}', 'unknown field of ChatPermissions "permissions.can_fly"'),
    ('"all"', '"permissions" must be ChatPermissions'),
])
def test_bad_nested_object(permissions, expected):
    params = {"chat_id": CHAT, "user_id": "7", "permissions": permissions}
    assert expected in refused("restrictChatMember", params)


def test_nested_required_field():
    params = {"chat_id": CHAT, "text": "t", "reply_parameters": '{"chat_id": 5}'}
    assert 'required field of ReplyParameters "reply_parameters.message_id"' in refused(
        "sendMessage", params)


def test_union_mismatch():
    reason = refused("sendMessage", {"chat_id": CHAT, "text": "t",
                                     "reply_markup": '{"bogus": true}'})
    assert "reply_markup" in reason
    scope = refused("setMyCommands", {"commands": "[]", "scope": '{"type": "chat"}'})
    assert 'required field of BotCommandScopeChat "scope.chat_id"' in scope  # likeliest kind


def test_input_file_only_from_a_file_part():
    assert check_request("setWebhook", {"url": "https://x.y",
                                        "certificate": InputFilePart(size=1)}) is None
    assert 'must be an uploaded file' in refused(
        "setWebhook", {"url": "https://x.y", "certificate": "not-a-file"})


@pytest.mark.parametrize(("method", "params", "expected"), [
    ("sendMessage", {"chat_id": CHAT, "text": ""}, '"text" must be 1-4096 characters'),
    ("sendMessage", {"chat_id": CHAT, "text": "x" * 4097}, "got 4097"),
    ("sendMessage", {"chat_id": CHAT, "text": "<b></b>", "parse_mode": "HTML"},
     "1-4096 characters after entities parsing, got 0"),
    ("editMessageText", {"chat_id": CHAT, "message_id": "1", "text": "é" * 4097}, "got 4097"),
    ("sendPhoto", {"chat_id": CHAT, "photo": "id", "caption": "c" * 1025},
     '"caption" must be 0-1024 characters'),
    ("setChatTitle", {"chat_id": CHAT, "title": ""}, '"title" must be 1-128 characters'),
    ("setChatTitle", {"chat_id": CHAT, "title": "t" * 129}, "got 129"),
    ("answerCallbackQuery", {"callback_query_id": "1", "text": "t" * 201}, "0-200 characters"),
    ("createChatInviteLink", {"chat_id": CHAT, "name": "n" * 33}, '"name" must be 0-32'),
])
def test_prose_length_limits(method, params, expected):
    assert expected in refused(method, params)


@pytest.mark.parametrize(("buttons", "expected"), [
    ((button(callback_data="é" * 32 + "x"),), "callback_data\" must be 1-64 bytes, got 65"),
    ((button(url="https://x.y"), button(callback_data="")),
     "inline_keyboard[0][1].callback_data\" must be 1-64"),
    ((button(text="", callback_data="a"),), "must be non-empty"),
    ((button(),), "exactly one action field, got none"),
    ((button(callback_data="a", url="https://x.y"),), "exactly one action field"),
])
def test_inline_keyboard_buttons(buttons, expected):
    params = {"chat_id": CHAT, "text": "t", "reply_markup": keyboard(*buttons)}
    assert expected in refused("sendMessage", params)


@pytest.mark.parametrize(("commands", "expected"), [
    ([{"command": "Start", "description": "d"}], "a-z, 0-9 and _"),
    ([{"command": "c" * 33, "description": "d"}], "1-32"),
    ([{"command": "", "description": "d"}], "1-32"),
    ([{"command": "c", "description": ""}], '"commands[0].description" must be 1-256'),
    ([{"command": "c", "description": "d" * 257}], "got 257"),
    ([{"command": f"c{i}", "description": "d"} for i in range(101)],
     '"commands" must be 0-100 items, got 101'),
])
def test_bot_command_limits(commands, expected):
    assert expected in refused("setMyCommands", {"commands": json.dumps(commands)})


# --- through the fake, over HTTP -----------------------------------------------------------

def test_refusal_answers_like_telegram_and_is_collected():
    with FakeBotApi() as api:
        resp = httpx.post(f"{api.base_url}{api.token}/sendMessage",
                          data={"chat_id": CHAT, "text": "t", "silent": "true"})
        assert resp.status_code == 400
        assert resp.json() == {"ok": False, "error_code": 400, "description":
                               'Bad Request: sendMessage: unknown parameter "silent"'}
        assert api.sent_texts() == []  # not delivered
        assert api.calls[-1]["error"] == 400 and api.refusals == api.calls
        with pytest.raises(AssertionError, match=r"sendMessage: Bad Request: .*\"silent\""):
            api.assert_no_refusals()
        api.expect_refusals()
        api.assert_no_refusals()


def test_watch_fakes_collects_started_fakes():
    with fakebot.watch_fakes() as fakes, FakeBotApi() as api:
        pass
    assert fakes == [api]


@pytest.mark.asyncio
async def test_ptb_bot_gets_bad_request_for_refused_calls():
    with FakeBotApi() as api:
        async with ptb_bot(api) as bot:
            markup = telegram.InlineKeyboardMarkup.from_button(
                telegram.InlineKeyboardButton("Go", callback_data="x" * 65))
            with pytest.raises(tg_error.BadRequest, match="1-64 bytes, got 65"):
                await bot.send_message(int(CHAT), "hi", reply_markup=markup)
            with pytest.raises(tg_error.BadRequest, match='unknown parameter "colour"'):
                await bot.send_message(int(CHAT), "hi", api_kwargs={"colour": "red"})
            assert (await bot.send_message(int(CHAT), "fine")).text == "fine"
        assert [c["method"] for c in api.refusals] == ["sendMessage", "sendMessage"]


def test_request_cut_short_by_a_dying_client_is_not_a_refusal():
    with FakeBotApi() as api:
        head = (f"POST /bot{api.token}/sendMessage HTTP/1.1\r\nHost: x\r\n"
                "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 99\r\n\r\n")
        with socket.create_connection(("127.0.0.1", api.port)) as conn:
            conn.sendall(head.encode() + b"chat_")
            conn.shutdown(socket.SHUT_WR)
            conn.recv(4096)
        assert api.wait_for(lambda a: a.calls, timeout=3)
        assert api.refusals == [] and api.calls[0]["error"] == 400
