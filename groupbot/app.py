"""Composition root: builds the engine, the PTB application, services and the polling loop."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import threading
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine
from telegram import Update
from telegram.error import NetworkError
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, TypeHandler

from groupbot.cli_digest import digest_service
from groupbot.cli_lifecycle import lifecycle_actions, scan_service
from groupbot.cli_match import matching_service
from groupbot.config import Config
from groupbot.observability import Metrics, serve_http
from groupbot.scheduling import cron_trigger
from groupbot.services.groups import GroupService
from groupbot.services.ingest import IngestService
from groupbot.services.merges import MergeService
from groupbot.services.privacy import PrivacyService
from groupbot.storage.db import make_engine
from groupbot.storage.errors import is_transient
from groupbot.storage.migrate import upgrade_async
from groupbot.telegram.callbacks import derive_secret
from groupbot.telegram.digest_handlers import DigestHandlers
from groupbot.telegram.dispatcher import Dispatcher
from groupbot.telegram.handlers import Handlers, register_handlers
from groupbot.telegram.lifecycle_handlers import LifecycleHandlers
from groupbot.telegram.merge_handlers import MergeHandlers
from groupbot.telegram.permissions import AdminChecker
from groupbot.telegram.poller import DurablePoller
from groupbot.telegram.privacy_handlers import PrivacyHandlers
from groupbot.telegram.rate_limit import UserRateLimit
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
    merges: MergeHandlers
    lifecycle: LifecycleHandlers
    digests: DigestHandlers
    privacy: PrivacyHandlers
    metrics: Metrics
    catch_up_after: float = 5.0  # seconds after start to send a digest missed while down


def build_application(config: Config) -> Application:
    """The PTB application; updates come from our durable poller, not PTB's Updater."""
    return (ApplicationBuilder()
            .token(config.telegram.token)
            .base_url(config.telegram.base_url)
            .updater(None)
            .rate_limiter(AIORateLimiter(max_retries=SEND_RETRIES_ON_429))
            .build())


def build_runtime(config: Config, *, retry_delay: float = 1.0,
                  count_refresh_seconds: float = 60.0, catch_up_after: float = 5.0) -> Runtime:
    """Wire the bot together without starting anything."""
    engine = make_engine(config.database.url)
    tz = config.tz
    application = build_application(config)
    ingest = IngestService(engine, tz, config.digest.working_hours())
    groups = GroupService(engine, tz, forget=ingest.forget)
    metrics = Metrics()
    sender = Sender(application.bot, groups, retry_delay=retry_delay, metrics=metrics)
    tg = config.telegram
    admins = AdminChecker(application.bot, tg.admins, tg.admin_cache_seconds)
    merges = MergeHandlers(
        matching=matching_service(config, engine),
        merges=MergeService(engine, tg.admins, config.matching.owners_decide),
        sender=sender, admins=admins, secret=derive_secret(tg.callback_secret, tg.token),
        language=config.language, admin_chat_id=tg.admin_chat_id,
        read_only_after=timedelta(days=config.matching.read_only_after_days))
    lifecycle = LifecycleHandlers(
        scans=scan_service(config, engine),
        actions=lifecycle_actions(config, engine, application.bot, sender, groups),
        admins=admins, restore_days=config.lifecycle.restore_days)
    digests = DigestHandlers(
        service=digest_service(config, engine), sender=sender, bot=application.bot,
        admins=admins, admin_chat_id=tg.admin_chat_id, language=config.language, tz=tz,
        cron=config.schedule.digest_cron, secret=merges.secret)
    privacy = PrivacyHandlers(PrivacyService(engine, tz, ingest), sender, config.language,
                              config.privacy.retention_days)
    limiter = UserRateLimit(tg.user_rate_limit_per_minute)
    # Group -1 runs first: an over-limit user's command never reaches the others.
    application.add_handler(TypeHandler(Update, limiter.check), group=-1)
    register_handlers(application, Handlers(groups, admins, sender, config.language, tz,
                                            tg.admin_chat_id), merges, lifecycle, digests,
                      privacy)
    dispatcher = Dispatcher(application, ingest, groups, sender, config.language,
                            retry_delay=retry_delay, count_refresh_seconds=count_refresh_seconds)
    poller = DurablePoller(application, ingest, dispatcher, timeout=tg.poll_timeout,
                           retry_delay=retry_delay, metrics=metrics)
    return Runtime(config, engine, application, ingest, groups, dispatcher, poller, merges,
                   lifecycle, digests, privacy, metrics, catch_up_after)


def _counted(runtime: Runtime, name: str, callback):
    """A job callback that also counts its runs for /metrics."""
    async def run(context) -> None:
        runtime.metrics.inc("groupbot_job_runs_total", job=name)
        await callback(context)
    return run


def schedule_jobs(runtime: Runtime) -> None:
    """Daily matching, scan and pruning, the weekly digest, the hourly read-only sweep.

    Misfire grace lets a run missed while the bot was down happen once on restart;
    coalesce makes sure it happens only once. The digest also claims its week in the database.
    """
    jobs = _CountingJobs(runtime)
    config, tz = runtime.config, runtime.config.tz

    def cron(callback, name: str, expression: str, grace_hours: int) -> None:
        jobs.run_custom(callback, name=name, job_kwargs={
            "trigger": cron_trigger(expression, tz), "misfire_grace_time": grace_hours * 3600,
            "coalesce": True})

    cron(runtime.merges.scheduled_matching, "matching", config.schedule.match_cron, 1)
    cron(runtime.lifecycle.scheduled_scan, "scan", config.schedule.scan_cron, 6)
    cron(runtime.digests.weekly, "digest", config.schedule.digest_cron, 24)
    cron(runtime.privacy.prune, "prune", "0 3 * * *", 12)
    jobs.run_once(runtime.digests.catch_up, when=runtime.catch_up_after, name="digest_catch_up")
    jobs.run_repeating(runtime.merges.read_only_job, interval=3600, first=60,
                       name="read_only", job_kwargs={"misfire_grace_time": 600,
                                                     "coalesce": True})


class _CountingJobs:
    """The job queue, with every callback counted (run_custom / run_once / run_repeating)."""

    def __init__(self, runtime: Runtime):
        self._runtime = runtime
        self._jobs = runtime.application.job_queue

    def __getattr__(self, method: str):
        schedule = getattr(self._jobs, method)

        def wrapped(callback, *args, name: str | None = None, **kwargs):
            label = name or callback.__name__
            return schedule(_counted(self._runtime, label, callback), *args, name=label,
                            **kwargs)
        return wrapped


async def start_observability(runtime: Runtime):
    """The /healthz and /metrics server, when enabled."""
    obs = runtime.config.observability
    if not obs.enabled:
        return None

    async def gauges() -> dict[str, float]:
        return {"groupbot_inbox_lag": await runtime.ingest.pending_count()}

    async def healthy() -> bool:
        try:
            await runtime.ingest.offset()
        except (SQLAlchemyError, OSError):
            return False
        return True

    return await serve_http(obs.listen, obs.port, runtime.metrics, gauges, healthy)


async def serve(runtime: Runtime, stop: asyncio.Event) -> None:
    """Run polling and dispatching until `stop` is set, then shut down cleanly."""
    app = runtime.application
    if not await until_done(stop, app.initialize, "connecting to Telegram"):  # getMe
        return
    try:
        # getUpdates is refused while a webhook is set.
        if not await until_done(stop, app.bot.delete_webhook, "removing a webhook"):
            return
        schedule_jobs(runtime)
        http = await start_observability(runtime)
        await app.start()
        dispatching = asyncio.create_task(runtime.dispatcher.run(stop))
        log.info("groupbot is running as @%s", app.bot.username)
        try:
            await runtime.poller.run(stop)
        finally:
            stop.set()
            await dispatching
            await app.stop()
            if http is not None:
                http.close()
                await http.wait_closed()
    finally:
        await app.shutdown()
        await runtime.engine.dispose()


async def until_done(stop: asyncio.Event, action, what: str, delay: float = 1.0) -> bool:
    """Retry `action` while Telegram or the database is unreachable; False if stopped first."""
    while not stop.is_set():
        try:
            await action()
            return True
        except (NetworkError, OSError, SQLAlchemyError) as exc:
            if isinstance(exc, SQLAlchemyError) and not is_transient(exc):
                raise
            log.warning("%s failed (%s); retrying in %.0fs", what, type(exc).__name__, delay)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=delay)
        delay = min(delay * 2, 30.0)
    return False


async def run_bot(config: Config, *, migrate: bool = True) -> None:
    """`groupbot run`: migrate, then serve until SIGINT/SIGTERM."""
    stop = asyncio.Event()
    with _stop_on_signals(stop):  # before migrating, so an early SIGTERM is clean too
        if migrate and not await until_done(
                stop, lambda: upgrade_async(config.database.url), "migrating the database"):
            return
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
