"""Durable long polling: an update is acknowledged to Telegram only after it is committed.

PTB's Updater advances the getUpdates offset as soon as updates are queued in memory, so a
crash would lose them. Here the offset moves in the same transaction as the updates' effects,
and the next getUpdates (which is what acknowledges them) is sent only after that commit.
"""

from __future__ import annotations

import asyncio
import logging

import httpx
from sqlalchemy.exc import SQLAlchemyError
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.ext import Application

from groupbot.domain.events import MembershipChanged
from groupbot.observability import Metrics
from groupbot.services.ingest import Delivery, IngestService
from groupbot.storage.errors import is_transient
from groupbot.storage.inbox import OffsetMoved
from groupbot.telegram.dispatcher import Dispatcher
from groupbot.telegram.intake import to_delivery
from groupbot.telegram.updates import ALLOWED_UPDATES

log = logging.getLogger(__name__)
MAX_BACKOFF = 30.0
FOLLOWER_PAUSE = 0.5  # how often a worker that is not the leader checks again


class FatalPollingError(RuntimeError):
    """Polling cannot go on (e.g. the token was rejected)."""


class _Throttled(Exception):
    """Telegram asked us to wait before polling again."""

    def __init__(self, seconds: float):
        super().__init__(f"retry after {seconds}s")
        self.seconds = seconds


class _Stopped(BaseException):
    """Asked to stop while waiting for the database; nothing was acknowledged.

    A BaseException so that the broad handlers isolating bad updates let it through.
    """


class DurablePoller:
    """Fetch → commit (effects + offset) → acknowledge by fetching again."""

    def __init__(self, application: Application, ingest: IngestService, dispatcher: Dispatcher,
                 *, timeout: int, retry_delay: float = 1.0, limit: int = 100,
                 metrics: Metrics | None = None, may_poll=lambda: True):
        self._app = application
        self._ingest = ingest
        self._dispatcher = dispatcher
        self._timeout = timeout
        self._retry_delay = retry_delay
        self._limit = limit
        self._client: httpx.AsyncClient | None = None
        self._offset: int | None = None
        self._metrics = metrics or Metrics()
        # With several workers only the scheduler leader polls: Telegram allows one poller.
        self._may_poll = may_poll

    async def run(self, stop: asyncio.Event) -> None:
        """Poll until `stop` is set; raises FatalPollingError on a rejected token."""
        self._client = httpx.AsyncClient(timeout=httpx.Timeout(10.0, read=self._timeout + 10.0))
        try:
            polling = False
            while not stop.is_set():
                if not self._may_poll():
                    polling = False
                    await self._sleep(stop, FOLLOWER_PAUSE)
                    continue
                if not polling:  # another leader may have moved the offset meanwhile
                    self._offset = await self._retrying(stop, self._ingest.offset)
                    polling = True
                updates = await self._fetch(stop)
                if updates:
                    await self._commit(updates, stop)
        except _Stopped:
            log.info("stopped while the database was unavailable")
        finally:
            await self._client.aclose()

    async def _fetch(self, stop: asyncio.Event) -> list[dict] | None:
        """One getUpdates call, abandoned (unacknowledged) if `stop` is set meanwhile."""
        task = asyncio.ensure_future(self._get_updates())
        stopper = asyncio.ensure_future(stop.wait())
        await asyncio.wait({task, stopper}, return_when=asyncio.FIRST_COMPLETED)
        stopper.cancel()
        if not task.done():
            task.cancel()
            return None
        try:
            return task.result()
        except InvalidToken as exc:
            raise FatalPollingError("Telegram rejected the bot token") from exc
        except _Throttled as exc:
            log.warning("Telegram asked to wait %.0fs before polling again", exc.seconds)
            await self._sleep(stop, exc.seconds)
        except (TelegramError, httpx.HTTPError, ValueError) as exc:
            log.warning("getUpdates failed (%s); retrying", exc)
            await self._sleep(stop, self._retry_delay)
        return None

    async def _get_updates(self) -> list[dict]:
        """Raw getUpdates: plain dicts, because parsing is left to the few updates that need it."""
        params = {"timeout": self._timeout, "limit": self._limit,
                  "allowed_updates": ALLOWED_UPDATES}
        if self._offset is not None:
            params["offset"] = self._offset
        response = await self._client.post(f"{self._app.bot.base_url}/getUpdates", json=params)
        body = response.json()
        if body.get("ok"):
            return body["result"]
        raise _api_error(body)

    async def _commit(self, updates: list[dict], stop: asyncio.Event) -> None:
        fetched_with = self._offset
        next_offset = max(int(u["update_id"]) for u in updates) + 1
        translated = [to_delivery(u, self._app.bot.id) for u in updates]
        events = [e for t in translated for e in t.events]
        items = [t.item for t in translated if t.item is not None]
        try:
            await self._retrying(stop, self._ingest.commit, events, items, fetched_with,
                                 next_offset)
            self._offset = next_offset
            self._metrics.inc("groupbot_updates_processed_total", len(updates))
        except OffsetMoved:
            log.info("batch was already committed; skipping it")
            self._offset = await self._retrying(stop, self._ingest.offset)
        except Exception as exc:
            log.error("batch rejected by the database (%s); committing one by one",
                      type(exc).__name__)
            await self._commit_singly(translated, fetched_with, stop)
            self._offset = await self._retrying(stop, self._ingest.offset)
        changed = {e.chat.chat_id for e in events if isinstance(e, MembershipChanged)}
        if items or changed:  # most batches are plain messages and owe no handler anything
            self._dispatcher.wake(changed)

    async def _commit_singly(self, translated: list[Delivery], fetched_with: int | None,
                             stop: asyncio.Event) -> None:
        """Isolate the update the database rejects; it is quarantined, the rest go in.

        Each commit moves the offset by one update, so a crash half-way resumes without repeats.
        """
        offset = fetched_with
        for outcome in translated:
            after = outcome.update_id + 1
            items = [outcome.item] if outcome.item else []
            try:
                await self._retrying(stop, self._ingest.commit, outcome.events, items, offset,
                                     after)
            except OffsetMoved:
                pass
            except Exception as exc:
                log.error("update %s quarantined: %s", outcome.update_id, type(exc).__name__)
                bad = outcome.quarantined(type(exc).__name__).item
                await self._retrying(stop, self._ingest.commit, [], [bad], offset, after)
            offset = after

    async def _retrying(self, stop: asyncio.Event, action, *args):
        """Run `action`, waiting out a database that is down; other database errors raise."""
        delay = self._retry_delay
        while True:
            try:
                return await action(*args)
            except SQLAlchemyError as exc:
                if not is_transient(exc):
                    raise
                log.warning("database unavailable (%s); nothing acknowledged, retry in %.0fs",
                            type(exc).__name__, delay)
            except OSError as exc:
                log.warning("database unreachable (%s); retry in %.0fs", exc, delay)
            if await self._sleep(stop, delay):
                raise _Stopped
            delay = min(delay * 2, MAX_BACKOFF)

    @staticmethod
    async def _sleep(stop: asyncio.Event, seconds: float) -> bool:
        """Sleep unless stopped; True when stopped."""
        try:
            await asyncio.wait_for(stop.wait(), timeout=seconds)
        except TimeoutError:
            return False
        return True


def _api_error(body: dict) -> Exception:
    """The exception matching a Bot API error answer."""
    description = str(body.get("description", "unknown error"))
    retry_after = (body.get("parameters") or {}).get("retry_after")
    if retry_after is not None:
        return _Throttled(float(retry_after))
    if body.get("error_code") in (401, 404):
        return InvalidToken(description)
    return NetworkError(description)
