"""TOML configuration as frozen dataclasses, with environment overrides and clear errors."""

from __future__ import annotations

import dataclasses
import os
import re
import tomllib
import types
import typing
from dataclasses import dataclass, field
from datetime import date, time
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from groupbot.domain.activity import WorkingHours
from groupbot.domain.lifecycle import LifecycleSettings
from groupbot.messages import LANGUAGES  # a language is one the catalogue speaks

DEFAULT_BASE_URL = "https://api.telegram.org/bot"
TOKEN_PATTERN = re.compile(r"^\d{3,}:[A-Za-z0-9_-]{20,}$")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
LOG_FORMATS = ("text", "json")


class ConfigError(Exception):
    """A configuration problem, described in one line that names the key."""


@dataclass(frozen=True)
class WebhookConfig:
    """Webhook mode, used when `url` is set; otherwise the bot polls."""

    url: str = ""  # the public HTTPS address Telegram posts to (through a reverse proxy)
    listen: str = "127.0.0.1"
    port: int = 8443
    secret_token: str = ""  # GROUPBOT_WEBHOOK_SECRET; Telegram echoes it in a header
    max_connections: int = 40
    reuse_port: bool = True  # several workers on one host may share the port

    def __repr__(self) -> str:
        return f"WebhookConfig(url={self.url!r}, listen={self.listen!r}, port={self.port})"


@dataclass(frozen=True)
class TelegramConfig:
    """How to reach Telegram and who may administer the bot."""

    token: str = ""
    base_url: str = DEFAULT_BASE_URL
    admin_chat_id: int | None = None
    admins: tuple[int, ...] = ()
    poll_timeout: int = 30
    admin_cache_seconds: int = 60
    callback_secret: str = ""
    user_rate_limit_per_minute: int = 20  # commands and button taps per user; 0 = no limit
    request_timeout: float = 10.0  # seconds a Bot API call may take before it counts as timed out
    webhook: WebhookConfig = field(default_factory=WebhookConfig)

    def __repr__(self) -> str:
        # Neither the token nor the callback secret may reach logs through a repr.
        return f"TelegramConfig(base_url={self.base_url!r}, admin_chat_id={self.admin_chat_id})"


@dataclass(frozen=True)
class DatabaseConfig:
    """Where the inventory is stored."""

    url: str = "sqlite:///groupbot.db"


@dataclass(frozen=True)
class ScheduleConfig:
    """When scheduled work runs."""

    timezone: str = "Asia/Shanghai"
    match_cron: str = "0 7 * * *"
    scan_cron: str = "30 6 * * *"
    digest_cron: str = "0 9 * * 1"


@dataclass(frozen=True)
class LifecycleConfig(LifecycleSettings):
    """The lifecycle rules (inherited), plus how archiving is carried out and who is exempt."""

    leave_on_archive: bool = False
    temporary_patterns: tuple[str, ...] = ("临时", "专班", "迎检", "temp")
    exempt_chat_ids: tuple[str, ...] = ()
    exempt_titles: tuple[str, ...] = ()  # regular expressions


@dataclass(frozen=True)
class MatchingConfig:
    """Thresholds of merge matching and extra topic synonyms."""

    min_containment: float = 0.5
    min_shared: int = 2
    min_function: float = 0.6
    topics: dict[str, tuple[str, ...]] = field(default_factory=dict)
    owners_decide: bool = False
    read_only_after_days: int = 7


@dataclass(frozen=True)
class DigestConfig:
    """Working hours for the after-hours load ("白加黑、五加二")."""

    work_start: str = "08:30"
    work_end: str = "17:30"
    workdays: tuple[int, ...] = (1, 2, 3, 4, 5)  # ISO weekdays, Monday = 1
    baseline_date: str = ""  # YYYY-MM-DD; empty: every group ever registered is the baseline
    top_members: int = 10

    def working_hours(self) -> WorkingHours:
        """The domain's view of these hours."""
        return WorkingHours(time.fromisoformat(self.work_start), time.fromisoformat(self.work_end),
                            frozenset(self.workdays))


@dataclass(frozen=True)
class PrivacyConfig:
    """What reports may show about people."""

    anonymise_members: bool = False
    retention_days: int = 0  # daily activity older than this is deleted; 0 keeps it all


@dataclass(frozen=True)
class ObservabilityConfig:
    """Health and metrics endpoints."""

    enabled: bool = False
    listen: str = "127.0.0.1"
    port: int = 9310


@dataclass(frozen=True)
class ClusterConfig:
    """Several workers on one PostgreSQL database."""

    heartbeat_seconds: float = 5.0  # a dead leader is replaced within two heartbeats
    shutdown_grace_seconds: float = 60.0  # a running job may finish on SIGTERM; else resumes


@dataclass(frozen=True)
class Config:
    """The whole configuration."""

    language: str = "zh"
    log_level: str = "INFO"
    log_format: str = "text"  # or "json": one JSON object per line
    telegram: TelegramConfig = field(default_factory=TelegramConfig)
    database: DatabaseConfig = field(default_factory=DatabaseConfig)
    schedule: ScheduleConfig = field(default_factory=ScheduleConfig)
    matching: MatchingConfig = field(default_factory=MatchingConfig)
    lifecycle: LifecycleConfig = field(default_factory=LifecycleConfig)
    digest: DigestConfig = field(default_factory=DigestConfig)
    privacy: PrivacyConfig = field(default_factory=PrivacyConfig)
    observability: ObservabilityConfig = field(default_factory=ObservabilityConfig)
    cluster: ClusterConfig = field(default_factory=ClusterConfig)

    @property
    def tz(self) -> ZoneInfo:
        """The configured time zone."""
        return ZoneInfo(self.schedule.timezone)


ENV_OVERRIDES = {
    "GROUPBOT_TELEGRAM_TOKEN": ("telegram", "token"),
    "GROUPBOT_DATABASE_URL": ("database", "url"),
    "GROUPBOT_CALLBACK_SECRET": ("telegram", "callback_secret"),
    "GROUPBOT_WEBHOOK_SECRET": ("telegram", "webhook", "secret_token"),
}
WEBHOOK_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")  # what Telegram accepts
# Keys whose values are secrets: errors name them but never show what they hold.
SECRET_KEYS = ("telegram.token", "telegram.callback_secret", "telegram.webhook.secret_token",
               "database.url")


def load_config(path: str | Path | None, *, require_token: bool = False) -> Config:
    """Read the TOML file (if any), apply environment overrides and validate."""
    raw = _read_toml(Path(path)) if path is not None else {}
    for env_name, path in ENV_OVERRIDES.items():
        value = os.environ.get(env_name)
        if value:
            _set_nested(raw, path, value)
    config = _build(Config, raw, "")
    _validate(config, require_token=require_token)
    return config


def _set_nested(raw: dict, path: tuple[str, ...], value: str) -> None:
    table = raw
    for depth, section in enumerate(path[:-1]):
        table = table.setdefault(section, {})
        if not isinstance(table, dict):
            raise ConfigError(f"[{'.'.join(path[:depth + 1])}] must be a table")
    table[path[-1]] = value


def _read_toml(path: Path) -> dict:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {path}") from None
    except OSError as exc:  # a directory, no permission: still a config problem, one line
        raise ConfigError(f"cannot read config file {path}: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from None


def _build(cls: type, raw: dict, prefix: str):
    """Turn one TOML table into dataclass `cls`, rejecting unknown keys and wrong types."""
    if not isinstance(raw, dict):
        raise ConfigError(f"{prefix.rstrip('.') or 'config'} must be a table")
    hints = typing.get_type_hints(cls)
    names = {f.name for f in dataclasses.fields(cls)}
    for key in raw:
        if key not in names:
            raise ConfigError(f"unknown config key: {prefix}{key}")
    values = {}
    for name in names & raw.keys():
        hint = hints[name]
        if dataclasses.is_dataclass(hint):
            values[name] = _build(hint, raw[name], f"{prefix}{name}.")
        else:
            values[name] = _coerce(raw[name], hint, f"{prefix}{name}")
    return cls(**values)


def _wrong(key: str, what: str, value) -> ConfigError:
    """A type error naming the key; the value is shown unless it is a secret."""
    if key in SECRET_KEYS:
        return ConfigError(f"{key} must be {what}")
    return ConfigError(f"{key} must be {what}, got {value!r}")


def _coerce(value, hint, key: str):
    """Check one value against its annotated type."""
    origin = typing.get_origin(hint)
    if origin in (types.UnionType, typing.Union):
        if value is None:
            return None
        (inner,) = [a for a in typing.get_args(hint) if a is not type(None)]
        return _coerce(value, inner, key)
    if origin is dict:
        if not isinstance(value, dict):
            raise ConfigError(f"{key} must be a table")
        inner = typing.get_args(hint)[1]
        return {str(k): _coerce(v, inner, f"{key}.{k}") for k, v in value.items()}
    if origin is tuple:
        inner = typing.get_args(hint)[0]
        if not isinstance(value, list):
            raise ConfigError(f"{key} must be a list of {inner.__name__}")
        return tuple(_coerce(v, inner, f"{key}[{i}]") for i, v in enumerate(value))
    if hint is int and isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
        return int(value)
    if hint is int and (isinstance(value, bool) or not isinstance(value, int)):
        raise _wrong(key, "an integer", value)
    if hint is str and not isinstance(value, str):
        raise _wrong(key, "a string", value)
    if hint is float and (isinstance(value, bool) or not isinstance(value, int | float)):
        raise _wrong(key, "a number", value)
    if hint is float:
        return float(value)
    if hint is bool and not isinstance(value, bool):
        raise _wrong(key, "true or false", value)
    return value


def _validate(config: Config, *, require_token: bool) -> None:
    tg = config.telegram
    if require_token and not tg.token:
        raise ConfigError(
            "telegram.token is missing: set it in the config file or GROUPBOT_TELEGRAM_TOKEN"
        )
    if tg.token and not TOKEN_PATTERN.match(tg.token):
        raise ConfigError("telegram.token does not look like a bot token (123456:ABC-DEF…)")
    if not tg.base_url.startswith(("http://", "https://")):
        raise ConfigError("telegram.base_url must start with http:// or https://")
    if tg.request_timeout <= 0:
        raise ConfigError("telegram.request_timeout must be positive")
    if tg.poll_timeout < 0 or tg.admin_cache_seconds < 0:
        raise ConfigError("telegram.poll_timeout and admin_cache_seconds must not be negative")
    m = config.matching
    if not (0 < m.min_containment <= 1 and 0 < m.min_function <= 1) or m.min_shared < 1:
        raise ConfigError("matching.min_containment and min_function must be in (0, 1], "
                          "min_shared at least 1")
    if config.language not in LANGUAGES:
        raise ConfigError(f"language must be one of {', '.join(LANGUAGES)}")
    if config.log_format not in LOG_FORMATS:
        raise ConfigError(f"log_format must be one of {', '.join(LOG_FORMATS)}")
    _validate_webhook(tg.webhook)
    if config.cluster.heartbeat_seconds <= 0 or config.cluster.shutdown_grace_seconds < 0:
        raise ConfigError("cluster.heartbeat_seconds must be positive, "
                          "shutdown_grace_seconds not negative")
    if config.log_level.upper() not in LOG_LEVELS:
        raise ConfigError(f"log_level must be one of {', '.join(LOG_LEVELS)}")
    if not config.database.url.startswith(("sqlite:", "postgresql:", "postgres:", "postgresql+")):
        raise ConfigError("database.url must be a sqlite:/// or postgresql:// URL")
    try:
        ZoneInfo(config.schedule.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"schedule.timezone is not a known time zone: "
                          f"{config.schedule.timezone!r}") from None
    _check_cron("schedule.match_cron", config.schedule.match_cron, config.tz)
    _check_cron("schedule.scan_cron", config.schedule.scan_cron, config.tz)
    _check_cron("schedule.digest_cron", config.schedule.digest_cron, config.tz)
    if config.digest.baseline_date:
        try:
            date.fromisoformat(config.digest.baseline_date)
        except ValueError:
            raise ConfigError("digest.baseline_date must be a date like 2026-01-01") from None
    try:
        config.digest.working_hours()
    except ValueError:
        raise ConfigError("digest.work_start and work_end must be times like 08:30") from None
    if not set(config.digest.workdays) <= set(range(1, 8)):
        raise ConfigError("digest.workdays must be ISO weekdays 1 (Monday) to 7 (Sunday)")
    life = config.lifecycle
    if not life.warn_days or min(life.warn_days) < 1 or life.inactive_days < 1:
        raise ConfigError("lifecycle.warn_days must list positive days; inactive_days >= 1")
    for i, pattern in enumerate(life.exempt_titles):
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ConfigError(f"lifecycle.exempt_titles[{i}] is not a regular expression "
                              f"({exc})") from None


def _validate_webhook(hook: WebhookConfig) -> None:
    if not hook.url:
        return
    if not hook.url.startswith(("https://", "http://")):
        raise ConfigError("telegram.webhook.url must be an https:// address")
    if not WEBHOOK_SECRET.match(hook.secret_token):
        raise ConfigError("telegram.webhook.secret_token is required in webhook mode "
                          "(1-256 of A-Z a-z 0-9 _ -); set GROUPBOT_WEBHOOK_SECRET")
    if not 0 < hook.port < 65536 or not 1 <= hook.max_connections <= 100:
        raise ConfigError("telegram.webhook.port must be 1-65535, max_connections 1-100")


def _check_cron(key: str, expression: str, tz: ZoneInfo) -> None:
    from groupbot.scheduling import cron_trigger

    try:
        cron_trigger(expression, tz)
    except ValueError as exc:
        raise ConfigError(f"{key} is not a valid cron expression ({exc})") from None
