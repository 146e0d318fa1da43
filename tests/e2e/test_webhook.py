"""Webhook mode through the real bot: secret checked, committed before 200, applied once."""

from __future__ import annotations

import asyncio
import itertools
import socket

import httpx
import pytest
from sqlalchemy.engine import make_url

from groupbot.config import WebhookConfig
from tests.e2e.conftest import OWNER
from tests.fakebot import bot_user_dict, command_update, message_update, my_chat_member_update

SECRET = "s3cret-Token_for-tests"
WORK = {"id": -1041, "type": "supergroup", "title": "涌金门社区防汛工作群"}
_ids = itertools.count(5000)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def listening(port: int, timeout: float = 10.0) -> None:
    """Wait until the bot's webhook server accepts connections."""
    for _ in range(int(timeout / 0.02)):
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            await asyncio.sleep(0.02)
            continue
        writer.close()
        return
    raise AssertionError(f"nothing listens on {port}")


def hook(port: int) -> WebhookConfig:
    return WebhookConfig(url="https://bot.example.org/groupbot/hook", listen="127.0.0.1",
                         port=port, secret_token=SECRET)


def numbered(update: dict) -> dict:
    return {"update_id": next(_ids), **update}


async def post(port: int, update: dict | bytes, secret: str | None = SECRET) -> int:
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
    async with httpx.AsyncClient() as client:
        url = f"http://127.0.0.1:{port}/groupbot/hook"
        if isinstance(update, bytes):
            response = await client.post(url, content=update, headers=headers)
        else:
            response = await client.post(url, json=update, headers=headers)
    return response.status_code


@pytest.fixture
async def webhook_bot(start_bot):
    port = free_port()
    bot = await start_bot(webhook=hook(port))
    bot.port = port
    await listening(port)
    return bot


async def add_bot(bot) -> None:
    bot.api.set_member(WORK["id"], OWNER, "creator")
    update = numbered(my_chat_member_update(WORK, OWNER, bot_user_dict(bot.api), "left",
                                            "administrator"))
    assert await post(bot.port, update) == 200


async def test_webhook_is_registered_with_its_secret_and_update_kinds(webhook_bot):
    (call,) = webhook_bot.api.calls_to("setWebhook")
    params = call["params"]
    assert params["url"] == "https://bot.example.org/groupbot/hook"
    assert params["secret_token"] == SECRET
    assert "chat_member" in params["allowed_updates"]
    assert not webhook_bot.api.calls_to("getUpdates")  # no polling in webhook mode


async def test_updates_are_committed_before_the_answer_and_applied_once(webhook_bot):
    bot = webhook_bot
    await add_bot(bot)
    updates = [numbered(message_update(WORK, OWNER, text="收到")) for _ in range(5)]
    for update in updates:
        assert await post(bot.port, update) == 200
        # The answer came after the commit: the count is already there.
    assert (await bot.record(WORK["id"])).messages_30d == 5
    # Telegram re-sends an update whose answer it did not get: nothing is counted twice.
    statuses = await asyncio.gather(*(post(bot.port, u) for u in updates + updates))
    assert set(statuses) == {200}
    assert (await bot.record(WORK["id"])).messages_30d == 5


async def test_wrong_or_missing_secret_is_refused_and_changes_nothing(webhook_bot):
    bot = webhook_bot
    await add_bot(bot)
    message = numbered(message_update(WORK, OWNER, text="x"))
    assert await post(bot.port, message, secret="wrong") == 403
    assert await post(bot.port, message, secret=None) == 403
    assert await post(bot.port, message, secret=SECRET[:-1]) == 403
    assert await post(bot.port, b"not json") == 400
    assert await post(bot.port, {"no": "update_id"}) == 400
    assert (await bot.record(WORK["id"])).messages_30d == 0


async def test_a_command_by_webhook_is_answered(webhook_bot):
    bot = webhook_bot
    await add_bot(bot)
    assert await post(bot.port, numbered(command_update(WORK, OWNER, "/status"))) == 200
    await bot.settle()
    assert "近 30 天消息" in bot.api.sent_texts(WORK["id"])[-1]


async def test_malformed_update_is_quarantined_with_a_200(webhook_bot):
    bot = webhook_bot
    await add_bot(bot)
    broken = {"update_id": next(_ids), "message": {"chat": "not a chat"}}
    assert await post(bot.port, broken) == 200  # a retry would not fix it
    assert await post(bot.port, numbered(message_update(WORK, OWNER, text="x"))) == 200
    assert (await bot.record(WORK["id"])).messages_30d == 1


async def test_database_unavailable_means_no_200_and_redelivery_counts(start_bot, sqlite_url):
    port = free_port()
    writable = await start_bot(url=sqlite_url, webhook=hook(port))
    writable.port = port
    await listening(port)
    await add_bot(writable)
    writable.stop.set()
    await writable.task
    path = make_url(sqlite_url).database
    read_only = await start_bot(url=f"sqlite:///file:{path}?mode=ro&uri=true",
                                webhook=hook(port), settle=False)
    await listening(port)
    message = numbered(message_update(WORK, OWNER, text="x"))
    assert await post(port, message) == 503  # Telegram keeps it and tries again later
    read_only.stop.set()
    await read_only.task
    again = await start_bot(url=sqlite_url, webhook=hook(port))
    await listening(port)
    assert await post(port, message) == 200
    assert (await again.record(WORK["id"])).messages_30d == 1
