"""Builds services from the config, for the composition root and the command line alike."""

from __future__ import annotations

from datetime import date

from telegram import Bot

from groupbot.clock import Clock
from groupbot.config import Config
from groupbot.domain.lexicon import Lexicon
from groupbot.domain.lifecycle import LifecycleSettings
from groupbot.domain.match_candidates import CandidateSettings
from groupbot.domain.matching import MatchSettings
from groupbot.services.digest import DigestService
from groupbot.services.groups import GroupService
from groupbot.services.lifecycle import LifecycleChanges, LifecycleService
from groupbot.services.matching import MatchingService
from groupbot.telegram.callbacks import derive_secret
from groupbot.telegram.lifecycle_handlers import LifecycleActions
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


def lifecycle_actions(config: Config, engine, clock: Clock, bot: Bot, sender: Sender,
                      groups: GroupService) -> LifecycleActions:
    """The Telegram side of the lifecycle."""
    return LifecycleActions(
        bot=bot, sender=sender, groups=groups, changes=lifecycle_changes(config, engine, clock),
        language=config.language, admin_chat_id=config.telegram.admin_chat_id,
        secret=derive_secret(config.telegram.callback_secret, config.telegram.token),
        inactive_days=config.lifecycle.inactive_days,
        leave_on_archive=config.lifecycle.leave_on_archive)


def match_settings(config: Config) -> MatchSettings:
    """Matching settings from the config."""
    m = config.matching
    return MatchSettings(
        min_function=m.min_function,
        temporary_patterns=config.lifecycle.temporary_patterns,
        candidates=CandidateSettings(min_containment=m.min_containment,
                                     min_shared=m.min_shared))


def matching_service(config: Config, engine, clock: Clock) -> MatchingService:
    """The matching use case wired from the config."""
    lexicon = Lexicon.default(config.matching.topics)
    return MatchingService(engine, clock, lexicon, match_settings(config), config.language)
