"""Sending that follows migrated groups, notes removals and retries server errors."""

from __future__ import annotations

import asyncio
import logging

from telegram import Bot, Message
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, TimedOut

from groupbot.observability import Metrics
from groupbot.services.groups import GroupService

log = logging.getLogger(__name__)
SERVER_ERROR_RETRIES = 3


class Sender:
    """Sends messages; a ChatMigrated error re-keys the group and sends to the new id."""

    def __init__(self, bot: Bot, groups: GroupService, retry_delay: float = 1.0,
                 metrics: Metrics | None = None):
        self._bot = bot
        self._groups = groups
        self._retry_delay = retry_delay
        self._metrics = metrics or Metrics()

    @property
    def bot(self) -> Bot:
        """The bot this sender sends through."""
        return self._bot

    async def text(self, chat_id: int, body: str, **kwargs) -> Message | None:
        """Send a text message; None when the bot may no longer post there."""
        return await self.call(chat_id, self._bot.send_message, body, **kwargs)

    async def call(self, chat_id: int, method, *args, **kwargs) -> Message | None:
        """`method(chat_id, *args)` (send_photo, send_document…) with the same care as text."""
        try:
            return await self._with_retries(chat_id, method, *args, **kwargs)
        except (TimedOut, NetworkError) as exc:
            self._metrics.inc("groupbot_send_errors_total", error=type(exc).__name__)
            raise
        except ChatMigrated as exc:
            log.info("group %s migrated to %s; following it", chat_id, exc.new_chat_id)
            await self._groups.rekey(chat_id, exc.new_chat_id)
            return await self._with_retries(exc.new_chat_id, method, *args, **kwargs)
        except Forbidden:
            log.warning("bot can no longer post in %s; marking it bot_removed", chat_id)
            await self._groups.mark_bot_removed(chat_id, "forbidden on send")
            return None

    async def _with_retries(self, chat_id: int, method, *args, **kwargs) -> Message:
        for attempt in range(SERVER_ERROR_RETRIES + 1):
            try:
                return await method(chat_id, *args, **kwargs)
            except (TimedOut, BadRequest):
                # A timeout may have posted it already; a bad request will not get better.
                raise
            except NetworkError as exc:
                if attempt == SERVER_ERROR_RETRIES:
                    raise
                log.warning("send to %s failed (%s); retrying", chat_id, exc)
                await asyncio.sleep(self._retry_delay * 2**attempt)
        raise AssertionError("unreachable")
