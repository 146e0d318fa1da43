"""Webhook mode: an update is committed before Telegram gets its 200, so its retry covers a crash.

PTB's own webhook server answers 200 before any handler runs. Here each request waits for the
transaction that applies it. Requests arriving while a transaction is in flight join the next
one (group commit), so a busy worker commits many updates per round trip.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import tornado.httpserver
import tornado.netutil
import tornado.web

from groupbot.domain.events import MembershipChanged
from groupbot.observability import Metrics
from groupbot.services.ingest import Delivery, IngestService
from groupbot.storage.errors import is_conflict, is_transient
from groupbot.telegram.dispatcher import Dispatcher
from groupbot.telegram.intake import to_delivery

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BATCH = 500
CONFLICT_RETRIES = 3


class NotCommitted(Exception):
    """The database could not take the update now; Telegram should deliver it again."""


@dataclass
class _Waiting:
    delivery: Delivery
    done: asyncio.Future = field(default_factory=lambda: asyncio.get_running_loop().create_future())


class WebhookIntake:
    """Commits webhook deliveries in batches and tells each request how its update fared."""

    def __init__(self, ingest: IngestService, dispatcher: Dispatcher, bot_id: int,
                 metrics: Metrics):
        self._ingest = ingest
        self._dispatcher = dispatcher
        self._bot_id = bot_id
        self._metrics = metrics
        self._queue: list[_Waiting] = []
        self._arrived = asyncio.Event()
        self._closed = False

    async def deliver(self, update: dict) -> None:
        """Return once the update is committed; raises NotCommitted when it was not."""
        if self._closed:
            raise NotCommitted("shutting down")
        waiting = _Waiting(to_delivery(update, self._bot_id))
        self._queue.append(waiting)
        self._arrived.set()
        await waiting.done

    async def run(self, stop: asyncio.Event) -> None:
        """Commit whatever has arrived, one transaction at a time, until `stop`."""
        while not stop.is_set():
            stopper = asyncio.ensure_future(stop.wait())
            arrived = asyncio.ensure_future(self._arrived.wait())
            await asyncio.wait({stopper, arrived}, return_when=asyncio.FIRST_COMPLETED)
            stopper.cancel()
            arrived.cancel()
            self._arrived.clear()
            while self._queue:
                batch, self._queue = self._queue[:MAX_BATCH], self._queue[MAX_BATCH:]
                await self._commit(batch)
        self._closed = True
        self._fail(self._queue)  # shutting down: Telegram will deliver these again

    async def _commit(self, batch: list[_Waiting]) -> None:
        deliveries = [w.delivery for w in batch]
        try:
            await self._commit_retrying(deliveries)
        except Exception as exc:
            if is_transient(exc):
                log.warning("database unavailable (%s); %d updates left for Telegram to resend",
                            type(exc).__name__, len(batch))
                self._fail(batch)
                return
            await self._commit_singly(batch)
        else:
            self._succeed(batch)
        self._wake_dispatcher(deliveries)

    async def _commit_retrying(self, deliveries: list[Delivery]) -> None:
        """Commit, running the transaction again if it lost a deadlock to another worker."""
        for attempt in range(CONFLICT_RETRIES):
            try:
                await self._ingest.commit_received(deliveries)
                return
            except Exception as exc:
                if not is_conflict(exc) or attempt == CONFLICT_RETRIES - 1:
                    raise
                log.info("commit lost a conflict with another worker; running it again")

    async def _commit_singly(self, batch: list[_Waiting]) -> None:
        """Isolate an update the database rejects: it is quarantined, the others go in."""
        for waiting in batch:
            delivery = waiting.delivery
            try:
                await self._commit_retrying([delivery])
            except Exception as exc:
                if is_transient(exc):
                    self._fail([waiting])
                    continue
                log.error("update %s quarantined: %s", delivery.update_id, type(exc).__name__)
                try:
                    await self._ingest.commit_received(
                        [delivery.quarantined(type(exc).__name__)])
                except Exception:
                    self._fail([waiting])
                    continue
            self._succeed([waiting])

    def _succeed(self, batch: list[_Waiting]) -> None:
        self._metrics.inc("groupbot_updates_processed_total", len(batch))
        for waiting in batch:
            if not waiting.done.done():
                waiting.done.set_result(None)

    @staticmethod
    def _fail(batch: list[_Waiting]) -> None:
        for waiting in batch:
            if not waiting.done.done():
                waiting.done.set_exception(NotCommitted("database unavailable"))

    def _wake_dispatcher(self, deliveries: list[Delivery]) -> None:
        changed = {e.chat.chat_id for d in deliveries for e in d.events
                   if isinstance(e, MembershipChanged)}
        if changed or any(d.item for d in deliveries):
            self._dispatcher.wake(changed)


class _UpdateHandler(tornado.web.RequestHandler):
    """POST from Telegram: check the secret, commit, then answer."""

    def initialize(self, intake: WebhookIntake, secret: str) -> None:
        self._intake = intake
        self._secret = secret.encode()

    async def post(self) -> None:
        given = self.request.headers.get(SECRET_HEADER, "").encode()
        # Constant time, so the secret cannot be guessed byte by byte from response times.
        if not hmac.compare_digest(given, self._secret):
            self.set_status(403)
            return
        try:
            update = json.loads(self.request.body)
            int(update["update_id"])
        except (ValueError, TypeError, KeyError):
            self.set_status(400)
            return
        try:
            await self._intake.deliver(update)
        except NotCommitted:
            self.set_status(503)  # Telegram retries later
            return
        self.set_status(200)

    def log_exception(self, typ, value, tb) -> None:
        # Never let a traceback print request headers (the secret) or bodies (message text).
        log.error("webhook request failed: %s", typ.__name__ if typ else "unknown")


def webhook_path(url: str) -> str:
    """The local path Telegram posts to: the path of the public webhook URL."""
    return urlsplit(url).path or "/"


async def start_server(intake: WebhookIntake, *, listen: str, port: int, url: str,
                       secret: str, reuse_port: bool) -> tornado.httpserver.HTTPServer:
    """Listen for Telegram's POSTs; several workers may share one port (SO_REUSEPORT)."""
    app = tornado.web.Application([(webhook_path(url), _UpdateHandler,
                                    {"intake": intake, "secret": secret})])
    server = tornado.httpserver.HTTPServer(app, xheaders=True)
    sockets = tornado.netutil.bind_sockets(port, address=listen, reuse_port=reuse_port)
    server.add_sockets(sockets)
    return server
