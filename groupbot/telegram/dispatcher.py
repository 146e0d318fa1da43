"""Runs handlers for committed inbox updates; a handler failing on the database is retried."""

from __future__ import annotations

import asyncio
import logging
import time

from sqlalchemy.exc import SQLAlchemyError
from telegram import Update
from telegram.ext import Application, ContextTypes

from groupbot.messages import t
from groupbot.services.groups import GroupService
from groupbot.services.ingest import IngestService
from groupbot.storage.errors import is_transient
from groupbot.telegram.sender import Sender

log = logging.getLogger(__name__)


class Dispatcher:
    """Drains claimed inbox updates in order; at-least-once for replies, exactly-once for state."""

    def __init__(self, application: Application, ingest: IngestService, groups: GroupService,
                 sender: Sender, language: str, *, worker_id: str, retry_delay: float = 2.0,
                 count_refresh_seconds: float = 60.0, idle_check_seconds: float = 5.0):
        self._app = application
        self._ingest = ingest
        self._groups = groups
        self._sender = sender
        self._language = language
        self._retry_delay = retry_delay
        self._count_refresh = count_refresh_seconds
        self._worker_id = worker_id
        # Another worker may die holding updates, or commit updates through its webhook:
        # look at the inbox now and then even when nothing woke us.
        self._idle_check = min(count_refresh_seconds or idle_check_seconds, idle_check_seconds)
        self._wake = asyncio.Event()
        self._failures: dict[int, BaseException] = {}
        self._told_unavailable: set[int] = set()  # chats told once per outage, not per retry
        self._dirty_counts: set[int] = set()
        self._counted_at: dict[int, float] = {}
        application.add_error_handler(self._on_error)

    def wake(self, changed_chats: set[int] = frozenset()) -> None:
        """New inbox rows were committed; members changed in `changed_chats`."""
        self._dirty_counts |= changed_chats
        self._wake.set()

    async def run(self, stop: asyncio.Event) -> None:
        """Dispatch until `stop` is set."""
        self._wake.set()  # handle what a previous run left pending
        while not stop.is_set():
            waiter = asyncio.ensure_future(self._wake.wait())
            stopper = asyncio.ensure_future(stop.wait())
            await asyncio.wait({waiter, stopper}, timeout=self._idle_check,
                               return_when=asyncio.FIRST_COMPLETED)
            waiter.cancel()
            stopper.cancel()
            if stop.is_set():
                break
            self._wake.clear()
            try:
                await self._drain(stop)
                await self._refresh_counts()
            except Exception as exc:
                log.warning("dispatch paused: %s", exc)
                await asyncio.sleep(self._retry_delay)
                self._wake.set()

    async def _drain(self, stop: asyncio.Event) -> None:
        while not stop.is_set() and (batch := await self._claim()):
            for item in batch:
                if stop.is_set():  # the rest stays claimed by us and passes on once we leave
                    return
                if not await self._handle(item.update_id, item.payload):
                    raise RuntimeError("database unavailable; will retry")

    async def _claim(self) -> list:
        try:
            return await self._ingest.claim(self._worker_id)
        except SQLAlchemyError as exc:
            if not is_transient(exc):
                raise
            # Cannot write: still run what we would have claimed, so that people asking now
            # hear the database is down (their update is retried once it is back).
            return await self._ingest.claimable(self._worker_id)

    async def _handle(self, update_id: int, payload: dict | None) -> bool:
        """Run the handlers for one update; False when it must be retried later."""
        try:
            update = Update.de_json(payload, self._app.bot)
        except Exception as exc:
            await self._ingest.finish(update_id, "failed", f"unparseable: {type(exc).__name__}")
            return True
        await self._app.process_update(update)
        error = self._failures.pop(update_id, None)
        if error is not None and is_transient(error):
            return False
        self._told_unavailable.clear()  # the database answered: a new outage gets a new notice
        # Only the error's type is kept: its message could quote the command's text.
        await self._ingest.finish(update_id, "failed" if error else "done",
                                  type(error).__name__ if error else None)
        return True

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        error = context.error
        if isinstance(update, Update):
            self._failures[update.update_id] = error
        if isinstance(error, SQLAlchemyError) and is_transient(error):
            log.warning("database unavailable while handling an update: %s", error)
            if isinstance(update, Update) and update.effective_chat is not None:
                await self._notify_unavailable(update.effective_chat.id)
            return
        log.error("handler failed", exc_info=error)

    async def _notify_unavailable(self, chat_id: int) -> None:
        if chat_id in self._told_unavailable:
            return
        self._told_unavailable.add(chat_id)
        try:
            await self._sender.text(chat_id, t("bot.unavailable", self._language))
        except Exception as exc:
            log.warning("could not tell %s that the database is down: %s", chat_id, exc)

    async def _refresh_counts(self) -> None:
        """getChatMemberCount for groups whose membership changed, at most once a period."""
        now = time.monotonic()
        for chat_id in list(self._dirty_counts):
            if now - self._counted_at.get(chat_id, -1e9) < self._count_refresh:
                continue
            self._dirty_counts.discard(chat_id)
            self._counted_at[chat_id] = now
            try:
                count = await self._app.bot.get_chat_member_count(chat_id)
            except Exception as exc:
                log.info("member count for %s unavailable: %s", chat_id, exc)
                continue
            await self._groups.set_facts(chat_id, member_count=count)
