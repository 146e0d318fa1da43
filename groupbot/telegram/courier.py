"""Delivers outbox messages in order; whoever finds a dead worker's messages sends the rest."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncEngine
from telegram import ChatPermissions, InlineKeyboardButton, InlineKeyboardMarkup, InputFile
from telegram.error import BadRequest, TelegramError, TimedOut

from groupbot.clock import Clock
from groupbot.services.coordination import Coordinator
from groupbot.storage import coordination_rows, outbox_rows
from groupbot.storage.outbox_rows import PERMISSIONS, RESTRICT, Outgoing, Stored
from groupbot.telegram.sender import Sender

log = logging.getLogger(__name__)
# The worker that stored messages claims them at once; unclaimed ones are left to it for this
# many heartbeats before the leader takes them (it died between commit and claim).
UNCLAIMED_HEARTBEATS = 2
SWEEP_STOP_SECONDS = 10.0  # how long stopping waits for a sweep to deliver what it took
LINK = "{link}"
# Keeps the permissions a group had before RESTRICT: (message body, permissions as JSON).
Remember = Callable[[dict, str], Awaitable[None]]


class Courier:
    """Stores messages with an action and delivers them, at least once and in order."""

    def __init__(self, engine: AsyncEngine, sender: Sender, coordinator: Coordinator,
                 clock: Clock, remember: Remember | None = None):
        self._engine = engine
        self._clock = clock
        self._remember = remember
        self._sender = sender
        self._coordinator = coordinator
        self._sweeping: asyncio.Task | None = None
        self._closed = False

    async def deliver(self, ids: list[int]) -> int:
        """Send the stored messages `ids` (committed by the caller); returns how many went."""
        async with self._engine.begin() as conn:
            rows = await outbox_rows.claim(conn, self._coordinator.worker_id, ids)
        return await self._send_all(rows)

    async def send_now(self, messages: list[Outgoing]) -> int:
        """Store and deliver messages that belong to no other transaction."""
        async with self._engine.begin() as conn:
            ids = await outbox_rows.add(conn, messages, self._clock.now())
        return await self.deliver(ids)

    async def sweep(self) -> None:
        """Deliver what dead workers left (the leader does this every heartbeat)."""
        if self._closed or (self._sweeping is not None and not self._sweeping.done()):
            return
        self._sweeping = asyncio.create_task(self._sweep())

    async def _sweep(self) -> None:
        try:
            now = self._clock.now()
            async with self._engine.begin() as conn:
                live = await coordination_rows.live_holders(conn, now)
                rows = await outbox_rows.claim_stranded(
                    conn, self._coordinator.worker_id, live,
                    now - timedelta(seconds=UNCLAIMED_HEARTBEATS * self._coordinator.heartbeat))
            if rows:
                log.info("delivering %d message(s) left undelivered", len(rows))
                await self._send_all(rows)
        except Exception as exc:
            log.warning("outbox sweep failed (%s); next heartbeat retries", type(exc).__name__)

    async def pending_count(self) -> int:
        """Messages not delivered yet (for /metrics)."""
        async with self._engine.connect() as conn:
            return await outbox_rows.pending_count(conn)

    def close(self) -> None:
        """Start no more sweeps (shutting down)."""
        self._closed = True

    async def wait_idle(self, timeout: float = SWEEP_STOP_SECONDS) -> None:
        """Let a sweep in progress end; past `timeout` it stops (what it claimed is sent by
        the next leader, as after a crash)."""
        if self._sweeping is None or self._sweeping.done():
            return
        _, late = await asyncio.wait({self._sweeping}, timeout=timeout)
        for task in late:
            log.warning("stopping an outbox sweep still running after %.0fs", timeout)
            task.cancel()
            await asyncio.wait({task}, timeout=timeout)

    async def _send_all(self, rows: list[Stored]) -> int:
        sent = 0
        for position, row in enumerate(rows):
            try:
                await self._send(row.message)
            except TimedOut:
                # It may have been posted: sending again could show it twice.
                log.warning("sending outbox message %s timed out; not repeated", row.id)
            except BadRequest as exc:
                log.warning("outbox message %s refused by Telegram: %s", row.id, exc)
            except Exception as exc:  # unreachable, flood control, …: keep the rest, in order
                log.warning("sending failed (%s); %d message(s) kept for later",
                            type(exc).__name__, len(rows) - position)
                await self._release(rows[position:])
                return sent
            else:
                sent += 1
            try:
                async with self._engine.begin() as conn:
                    await outbox_rows.done(conn, row.id)
            except Exception:
                await self._release(rows[position + 1:])
                raise
        return sent

    async def _release(self, rows: list[Stored]) -> None:
        """Hand undelivered rows back (best effort: if this fails they pass on when we die)."""
        try:
            async with self._engine.begin() as conn:
                await outbox_rows.release(conn, [r.id for r in rows])
        except Exception as exc:
            log.warning("could not hand back %d message(s) (%s)", len(rows), type(exc).__name__)

    async def _send(self, message: Outgoing) -> None:
        body, chat = message.body, message.chat_id
        if message.kind == "photo":
            await self._sender.call(chat, self._sender.bot.send_photo,
                                    InputFile(message.blob, filename=body["filename"]),
                                    caption=body.get("caption"))
        elif message.kind == "document":
            await self._sender.call(chat, self._sender.bot.send_document,
                                    InputFile(message.blob, filename=body["filename"]),
                                    caption=body.get("caption"))
        elif message.kind == RESTRICT:
            await self._restrict(chat, body)
        elif message.kind == PERMISSIONS:
            permissions = ChatPermissions.de_json(body["permissions"], self._sender.bot)
            await self._sender.call(chat, self._sender.bot.set_chat_permissions, permissions)
        else:
            text = body["text"]
            if LINK in text:
                text = text.replace(LINK, await self._invite_link(body) or "")
            await self._sender.text(chat, text, reply_markup=keyboard(body.get("buttons")))

    async def _restrict(self, chat: int, body: dict) -> None:
        """Read-only, keeping what the group allowed before (the first reading counts)."""
        bot = self._sender.bot
        found = await self._sender.call(chat, bot.get_chat)
        if found is None:  # the bot is no longer there
            return
        before = found.permissions.to_dict() if found.permissions else {}
        if self._remember is not None:
            await self._remember(body, json.dumps(before))
        await self._sender.call(chat, bot.set_chat_permissions, ChatPermissions.no_permissions())
        if body.get("leave"):
            await self._sender.call(chat, bot.leave_chat)

    async def _invite_link(self, body: dict) -> str | None:
        """A fresh invite link to the group named in the message (e.g. a merge's survivor)."""
        if body.get("link_chat") is None:
            return None
        try:
            link = await self._sender.bot.create_chat_invite_link(
                body["link_chat"], name=body.get("link_name"))
        except TelegramError as exc:
            log.info("no invite link for %s: %s", body["link_chat"], exc)
            return None
        return link.invite_link


def keyboard(rows: list[list[list[str]]] | None) -> InlineKeyboardMarkup | None:
    """[[label, callback_data], …] per row, as Telegram's inline keyboard."""
    if not rows:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=data)
                                  for label, data in row] for row in rows])
