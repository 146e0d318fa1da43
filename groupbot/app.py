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

from groupbot.clock import Clock, clock_from_environment
from groupbot.config import Config
from groupbot.observability import Metrics, serve_http
from groupbot.routines import Routines
from groupbot.scheduling import cron_trigger
from groupbot.services.coordination import Coordinator
from groupbot.services.groups import GroupService
from groupbot.services.ingest import IngestService
from groupbot.services.jobs import JobRunner
from groupbot.services.merges import MergeService
from groupbot.services.privacy import PrivacyService
from groupbot.storage.db import make_engine
from groupbot.storage.errors import is_transient
from groupbot.storage.migrate import upgrade_async
from groupbot.telegram.authority import Authority
from groupbot.telegram.callbacks import derive_secret
from groupbot.telegram.courier import Courier
from groupbot.telegram.digest_handlers import DigestHandlers
from groupbot.telegram.digest_notices import DigestNotices
from groupbot.telegram.dispatcher import Dispatcher
from groupbot.telegram.handlers import Handlers, register_handlers
from groupbot.telegram.lifecycle_handlers import LifecycleHandlers
from groupbot.telegram.merge_handlers import MergeHandlers
from groupbot.telegram.merge_notices import MergeNotices
from groupbot.telegram.permissions import AdminChecker
from groupbot.telegram.poller import DurablePoller
from groupbot.telegram.privacy_handlers import PrivacyHandlers
from groupbot.telegram.rate_limit import UserRateLimit
from groupbot.telegram.sender import Sender
from groupbot.telegram.updates import ALLOWED_UPDATES
from groupbot.telegram.webhook import WebhookIntake, start_server
from groupbot.wiring import (
    courier as make_courier,
)
from groupbot.wiring import (
    digest_service,
    lifecycle_changes,
    lifecycle_notices,
    matching_service,
    scan_service,
)

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
    coordinator: Coordinator
    jobs: JobRunner
    courier: Courier
    clock: Clock
    routines: Routines


def build_application(config: Config) -> Application:
    """The PTB application; updates come from our durable poller, not PTB's Updater."""
    return (ApplicationBuilder()
            .token(config.telegram.token)
            .base_url(config.telegram.base_url)
            .updater(None)
            .read_timeout(config.telegram.request_timeout)
            .write_timeout(config.telegram.request_timeout)
            .connect_timeout(config.telegram.request_timeout)
            .rate_limiter(AIORateLimiter(max_retries=SEND_RETRIES_ON_429))
            .build())


def build_runtime(config: Config, *, retry_delay: float = 1.0,
                  count_refresh_seconds: float = 60.0, catch_up: bool = True,
                  clock: Clock | None = None) -> Runtime:
    """Wire the bot together without starting anything.

    With `catch_up`, the leader runs at each heartbeat any job whose due time passed unrun.
    """
    engine = make_engine(config.database.url)
    tz = config.tz
    clock = clock or clock_from_environment(tz)
    application = build_application(config)
    ingest = IngestService(engine, clock, config.digest.working_hours())
    groups = GroupService(engine, clock, forget=ingest.forget)
    metrics = Metrics()
    coordinator = Coordinator(engine, config.cluster.heartbeat_seconds, clock=clock)
    sender = Sender(application.bot, groups, retry_delay=retry_delay, metrics=metrics)
    tg = config.telegram
    courier = make_courier(config, engine, clock, sender, coordinator)
    admins = AdminChecker(application.bot, tg.admins, tg.admin_cache_seconds)
    # One door for every command and button: the policy in groupbot.domain.authority.
    authority = Authority(admins, sender, config.language, tg.admin_chat_id,
                          owners_decide=config.matching.owners_decide)
    secret = derive_secret(tg.callback_secret, tg.token)
    merge_notices = MergeNotices(config.language, secret)
    routines = Routines(
        matching=matching_service(config, engine, clock), merges=MergeService(engine, clock),
        scans=scan_service(config, engine, clock),
        digests=digest_service(config, engine, clock),
        privacy=PrivacyService(engine, clock, ingest), merge_notices=merge_notices,
        lifecycle_notices=lifecycle_notices(config),
        digest_notices=DigestNotices(config.language, secret), courier=courier,
        admin_chat_id=tg.admin_chat_id,
        read_only_after=timedelta(days=config.matching.read_only_after_days),
        retention_days=config.privacy.retention_days)
    merges = MergeHandlers(
        matching=routines.matching, merges=routines.merges, sender=sender, authority=authority,
        notices=merge_notices, routines=routines, language=config.language,
        admin_chat_id=tg.admin_chat_id, courier=courier)
    lifecycle = LifecycleHandlers(
        routines=routines, changes=lifecycle_changes(config, engine, clock),
        notices=routines.lifecycle_notices, courier=courier, sender=sender, authority=authority)
    digests = DigestHandlers(service=routines.digests, notices=routines.digest_notices,
                             authority=authority, admin_chat_id=tg.admin_chat_id,
                             courier=courier)
    privacy = PrivacyHandlers(routines.privacy, sender, config.language, authority)
    limiter = UserRateLimit(tg.user_rate_limit_per_minute, exempt=tg.admins)
    # Group -1 runs first: an over-limit user's command never reaches the others.
    application.add_handler(TypeHandler(Update, limiter.check), group=-1)
    register_handlers(application, Handlers(groups, authority, sender, config.language, tz),
                      merges, lifecycle, digests, privacy)
    dispatcher = Dispatcher(application, ingest, groups, sender, config.language,
                            worker_id=coordinator.worker_id, retry_delay=retry_delay,
                            count_refresh_seconds=count_refresh_seconds,
                            idle_check_seconds=config.cluster.heartbeat_seconds)
    poller = DurablePoller(application, ingest, dispatcher, timeout=tg.poll_timeout,
                           retry_delay=retry_delay, metrics=metrics,
                           may_poll=lambda: coordinator.is_leader)
    jobs = JobRunner(engine, coordinator, clock, routines.jobs(config.schedule),
                     on_run=lambda name: metrics.inc("groupbot_job_runs_total", job=name))
    coordinator.while_leading(courier.sweep)
    if catch_up:
        coordinator.while_leading(jobs.catch_up)
    return Runtime(config, engine, application, ingest, groups, dispatcher, poller, merges,
                   lifecycle, digests, privacy, metrics, coordinator, jobs, courier, clock,
                   routines)


def schedule_jobs(runtime: Runtime) -> None:
    """Fire each job on time through PTB's JobQueue (APScheduler); the runner decides who runs.

    Every worker's scheduler fires, but only the leader's claim of the due time succeeds.
    """
    tz = runtime.config.tz
    for job in runtime.jobs.jobs:
        runtime.application.job_queue.run_custom(
            _firing(runtime.jobs, job.name), name=job.name, job_kwargs={
                "trigger": cron_trigger(job.cron, tz), "coalesce": True,
                "misfire_grace_time": int(job.grace.total_seconds())})


def _firing(jobs: JobRunner, name: str):
    async def fire(context) -> None:
        task = jobs.fire(name)
        if task is not None:
            await task
    return fire


async def start_observability(runtime: Runtime):
    """The /healthz and /metrics server, when enabled."""
    obs = runtime.config.observability
    if not obs.enabled:
        return None

    async def gauges() -> dict[str, float]:
        return {"groupbot_inbox_lag": await runtime.ingest.pending_count(),
                "groupbot_outbox_pending": await runtime.courier.pending_count(),
                "groupbot_is_leader": float(runtime.coordinator.is_leader)}

    async def healthy() -> bool:
        try:
            await runtime.ingest.offset()
        except (SQLAlchemyError, OSError):
            return False
        return True

    return await serve_http(obs.listen, obs.port, runtime.metrics, gauges, healthy)


async def serve(runtime: Runtime, stop: asyncio.Event) -> None:
    """Take updates (polling, or a webhook) and dispatch them until `stop`, then shut down."""
    app = runtime.application
    hook = runtime.config.telegram.webhook
    if not await until_done(stop, app.initialize, "connecting to Telegram"):  # getMe
        return
    try:
        if not await until_done(stop, lambda: _point_telegram(runtime), "setting up updates"):
            return
        schedule_jobs(runtime)
        http = await start_observability(runtime)
        await app.start()
        # A first heartbeat before taking updates: a lone worker leads (and polls) at once.
        await _first_heartbeat(runtime.coordinator)
        # Heartbeats outlive `stop`: the leases stay until this worker's work has ended.
        leave = asyncio.Event()
        heartbeats = asyncio.create_task(runtime.coordinator.run(leave))
        dispatching = asyncio.create_task(runtime.dispatcher.run(stop))
        log.info("groupbot is running as @%s (%s, worker %s)", app.bot.username,
                 "webhook" if hook.url else "polling", runtime.coordinator.worker_id)
        try:
            if hook.url:
                await _take_webhooks(runtime, stop)
            else:
                await runtime.poller.run(stop)
        finally:
            stop.set()
            await _wind_down(runtime, dispatching)
            leave.set()
            await heartbeats
            await app.stop()
            if http is not None:
                http.close()
                await http.wait_closed()
    finally:
        await app.shutdown()
        await runtime.engine.dispose()


async def _wind_down(runtime: Runtime, dispatching: asyncio.Task) -> None:
    """Let running jobs, handlers and deliveries end (jobs within the configured grace)."""
    runtime.jobs.close()
    runtime.courier.close()
    await runtime.jobs.wait_idle(runtime.config.cluster.shutdown_grace_seconds)
    await runtime.courier.wait_idle()
    (result,) = await asyncio.gather(dispatching, return_exceptions=True)
    if isinstance(result, Exception):
        log.error("dispatcher stopped on an error: %s", type(result).__name__)


async def _first_heartbeat(coordinator: Coordinator) -> None:
    try:
        await coordinator.beat()
    except (SQLAlchemyError, OSError) as exc:  # the heartbeat loop keeps trying
        log.warning("first heartbeat failed (%s)", type(exc).__name__)


async def _point_telegram(runtime: Runtime) -> None:
    """Register the webhook, or remove one so that getUpdates is allowed."""
    bot, hook = runtime.application.bot, runtime.config.telegram.webhook
    if hook.url:
        await bot.set_webhook(hook.url, secret_token=hook.secret_token,
                              allowed_updates=ALLOWED_UPDATES,
                              max_connections=hook.max_connections)
    else:
        await bot.delete_webhook()


async def _take_webhooks(runtime: Runtime, stop: asyncio.Event) -> None:
    """Serve Telegram's POSTs until `stop`; each is answered only after its commit."""
    hook = runtime.config.telegram.webhook
    intake = WebhookIntake(runtime.ingest, runtime.dispatcher, runtime.application.bot.id,
                           runtime.metrics)
    committing = asyncio.create_task(intake.run(stop))
    server = await start_server(intake, listen=hook.listen, port=hook.port, url=hook.url,
                                secret=hook.secret_token, reuse_port=hook.reuse_port)
    try:
        await stop.wait()
    finally:
        server.stop()  # no new connections; requests in flight get their answer below
        await committing
        await server.close_all_connections()


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
