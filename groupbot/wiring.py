"""Builds services from the config, for the composition root and the command line alike."""

from __future__ import annotations

from contextlib import asynccontextmanager
from datetime import date

from telegram import Bot

from groupbot.clock import Clock, clock_from_environment
from groupbot.config import Config
from groupbot.domain.lexicon import Lexicon
from groupbot.domain.lifecycle import LifecycleSettings
from groupbot.domain.match_candidates import CandidateSettings
from groupbot.domain.matching import MatchSettings
from groupbot.services.coordination import Coordinator, new_worker_id
from groupbot.services.digest import DigestService
from groupbot.services.groups import GroupService
from groupbot.services.lifecycle import LifecycleService
from groupbot.services.lifecycle_changes import LifecycleChanges
from groupbot.services.matching import MatchingService
from groupbot.services.merges import MergeService
from groupbot.storage.db import make_engine
from groupbot.storage.migrate import upgrade_async
from groupbot.telegram.callbacks import derive_secret
from groupbot.telegram.courier import Courier
from groupbot.telegram.lifecycle_notices import LifecycleNotices
from groupbot.telegram.sender import Sender


def digest_service(config: Config, engine, clock: Clock) -> DigestService:
    """The digest use case wired from the config."""
    baseline = config.digest.baseline_date
    return DigestService(engine, clock,
                         baseline_date=date.fromisoformat(baseline) if baseline else None,
                         anonymise=config.privacy.anonymise_members,
                         top_members=config.digest.top_members, language=config.language)


def lifecycle_settings(config: Config) -> LifecycleSettings:
    """Lifecycle rules from the config (the config section is a LifecycleSettings)."""
    return config.lifecycle


def scan_service(config: Config, engine, clock: Clock) -> LifecycleService:
    """The scan use case wired from the config."""
    c = config.lifecycle
    return LifecycleService(engine, clock, lifecycle_settings(config), c.temporary_patterns,
                            c.exempt_chat_ids, c.exempt_titles)


def lifecycle_changes(config: Config, engine, clock: Clock) -> LifecycleChanges:
    """Keep, declare temporary, archive and restore, wired from the config."""
    return LifecycleChanges(engine, clock, lifecycle_settings(config))


def lifecycle_notices(config: Config) -> LifecycleNotices:
    """What lifecycle decisions say and change in Telegram."""
    return LifecycleNotices(
        language=config.language, admin_chat_id=config.telegram.admin_chat_id,
        secret=derive_secret(config.telegram.callback_secret, config.telegram.token),
        inactive_days=config.lifecycle.inactive_days,
        leave_on_archive=config.lifecycle.leave_on_archive,
        restore_days=config.lifecycle.restore_days)


def courier(config: Config, engine, clock: Clock, sender: Sender,
            coordinator: Coordinator) -> Courier:
    """The outbox's deliverer; it remembers what groups allowed before they were restricted."""
    changes, merges = lifecycle_changes(config, engine, clock), MergeService(engine, clock)

    async def remember(body: dict, permissions: str) -> None:
        # A merge's absorbed group, or an archived one.
        if "proposal_id" in body:
            await merges.remember_permissions(body["proposal_id"], body["group_pk"], permissions)
        else:
            await changes.remember_permissions(body["group_pk"], permissions)

    return Courier(engine, sender, coordinator, clock, remember)


@asynccontextmanager
async def command_courier(config: Config, engine, clock: Clock):
    """A courier for one command-line run (a worker of its own, gone when the run ends)."""
    async with Bot(config.telegram.token, base_url=config.telegram.base_url) as bot:
        coordinator = Coordinator(engine, config.cluster.heartbeat_seconds,
                                  f"cli-{new_worker_id()}", clock=clock)
        yield courier(config, engine, clock, Sender(bot, GroupService(engine, clock)),
                      coordinator)


def match_settings(config: Config) -> MatchSettings:
    """Matching settings from the config."""
    m = config.matching
    return MatchSettings(
        min_function=m.min_function,
        temporary_patterns=config.lifecycle.temporary_patterns,
        candidates=CandidateSettings(min_containment=m.min_containment,
                                     min_shared=m.min_shared))


def matching_service(config: Config, engine, clock: Clock, *, remember: bool = True
                     ) -> MatchingService:
    """The matching use case wired from the config (`remember`: see MatchingService)."""
    lexicon = Lexicon.default(config.matching.topics)
    return MatchingService(engine, clock, lexicon, match_settings(config), config.language,
                           remember=remember)


@asynccontextmanager
async def command_store(config: Config):
    """The migrated database and the clock of one command-line run: (engine, clock)."""
    await upgrade_async(config.database.url)
    engine = make_engine(config.database.url)
    try:
        yield engine, clock_from_environment(config.tz)
    finally:
        await engine.dispose()
