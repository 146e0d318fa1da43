"""Composition root: builds the engine, the PTB application, services and the polling loop."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import threading
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder

from groupbot.config import Config
from groupbot.services.groups import GroupService
from groupbot.services.ingest import IngestService
from groupbot.storage.db import make_engine
from groupbot.storage.migrate import upgrade_async
from groupbot.telegram.dispatcher import Dispatcher
from groupbot.telegram.handlers import Handlers, register_handlers
from groupbot.telegram.permissions import AdminChecker
from groupbot.telegram.poller import DurablePoller
from groupbot.telegram.sender import Sender

log = logging.getLogger(__name__)
SEND_RETRIES_ON_429 = 3


@dataclass
class Runtime:
    """Everything a running bot is made of."""

    config: Config
    engine: AsyncEngine
    application: Application
    ingest: IngestService
    groups: GroupService
    dispatcher: Dispatcher
    poller: DurablePoller


def build_application(config: Config) -> Application:
    """The PTB application; updates come from our durable poller, not PTB's Updater."""
    return (ApplicationBuilder()
            .token(config.telegram.token)
            .base_url(config.telegram.base_url)
            .updater(None)
            .rate_limiter(AIORateLimiter(max_retries=SEND_RETRIES_ON_429))
            .build())


def build_runtime(config: Config, *, retry_delay: float = 1.0,
                  count_refresh_seconds: float = 60.0) -> Runtime:
    """Wire the bot together without starting anything."""
    engine = make_engine(config.database.url)
    tz = config.tz
    application = build_application(config)
    ingest = IngestService(engine, tz)
    groups = GroupService(engine, tz)
    sender = Sender(application.bot, groups, retry_delay=retry_delay)
    tg = config.telegram
    admins = AdminChecker(application.bot, tg.admins, tg.admin_cache_seconds)
    register_handlers(application, Handlers(groups, admins, sender, config.language, tz,
                                            tg.admin_chat_id))
    dispatcher = Dispatcher(application, ingest, groups, sender, config.language,
                            retry_delay=retry_delay, count_refresh_seconds=count_refresh_seconds)
    poller = DurablePoller(application, ingest, dispatcher, timeout=tg.poll_timeout,
                           retry_delay=retry_delay)
    return Runtime(config, engine, application, ingest, groups, dispatcher, poller)


async def serve(runtime: Runtime, stop: asyncio.Event) -> None:
    """Run polling and dispatching until `stop` is set, then shut down cleanly."""
    app = runtime.application
    async with app:  # initialize (getMe) … shutdown
        await app.bot.delete_webhook()  # getUpdates is refused while a webhook is set
        await app.start()
        dispatching = asyncio.create_task(runtime.dispatcher.run(stop))
        log.info("groupbot is running as @%s", app.bot.username)
        try:
            await runtime.poller.run(stop)
        finally:
            stop.set()
            await dispatching
            await app.stop()
    await runtime.engine.dispose()


async def run_bot(config: Config, *, migrate: bool = True) -> None:
    """`groupbot run`: migrate, then serve until SIGINT/SIGTERM."""
    stop = asyncio.Event()
    with _stop_on_signals(stop):  # before migrating, so an early SIGTERM is clean too
        if migrate:
            await upgrade_async(config.database.url)
        if not stop.is_set():
            await serve(build_runtime(config), stop)


@contextlib.contextmanager
def _stop_on_signals(stop: asyncio.Event):
    loop = asyncio.get_running_loop()
    signals = (signal.SIGINT, signal.SIGTERM)
    main_thread = threading.current_thread() is threading.main_thread()
    if main_thread:
        for sig in signals:
            loop.add_signal_handler(sig, stop.set)
    try:
        yield
    finally:
        if main_thread:
            for sig in signals:
                loop.remove_signal_handler(sig)
