"""Expected failures of a command, each turned into one line that names its cause.

An unreachable database or Bot API, a refused token, a file that cannot be opened: these are
facts about the world, not bugs, so the user gets one line and exit code 1 instead of a
traceback (`--debug` adds the traceback). Anything not listed here is a bug and keeps its
traceback. No line may carry a secret: URLs are shown without passwords and every configured
secret is redacted from the text of the underlying error.
"""

from __future__ import annotations

import logging
import socket
import threading
from urllib.parse import urlsplit

from sqlalchemy import exc as sa
from sqlalchemy.engine import make_url
from telegram import error as tg

from groupbot.cli.terminal import plain
from groupbot.cli.words import say
from groupbot.config import Config

try:  # the PostgreSQL driver is optional
    from asyncpg import PostgresError as _PgError
    from asyncpg.exceptions import InterfaceError as _PgInterfaceError
    _PG_ERRORS: tuple[type[BaseException], ...] = (_PgError, _PgInterfaceError)
except ImportError:  # pragma: no cover
    _PG_ERRORS = ()

REDACTED = "<secret>"
# Network trouble outside PTB (which wraps its own as NetworkError) can only be the database.
_NETWORK = (ConnectionError, socket.gaierror, TimeoutError)


class Failure(Exception):
    """A command's own expected failure, already worded for the user."""


def explain(exc: BaseException, config: Config) -> str | None:
    """One line for an expected failure, or None when `exc` is a bug."""
    while isinstance(exc, BaseExceptionGroup) and len(exc.exceptions) == 1:
        exc = exc.exceptions[0]
    line = _telegram(exc, config) or _database(exc, config) or _file(exc)
    if line is None and isinstance(exc, Failure):
        line = str(exc)
    return None if line is None else plain(redact(line, config))


def secrets_of(config: Config) -> tuple[str, ...]:
    """Every configured secret, for redaction: token, signing and webhook secrets, DB password."""
    tg_config = config.telegram
    password = _password(config.database.url)
    return tuple(s for s in (tg_config.token, tg_config.callback_secret,
                             tg_config.webhook.secret_token, password) if s)


def redact(text: str, config: Config) -> str:
    """`text` with every configured secret replaced."""
    text = text.replace(config.database.url, shown_url(config.database.url))
    for secret in sorted(secrets_of(config), key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    return text


def shown_url(url: str) -> str:
    """A database URL as it may be shown: password hidden."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (sa.ArgumentError, ValueError):
        return "<database url>"


def _password(url: str) -> str:
    try:
        return make_url(url).password or ""
    except (sa.ArgumentError, ValueError):
        return ""


def _telegram(exc: BaseException, config: Config) -> str | None:
    host = _host(config.telegram.base_url)
    if isinstance(exc, tg.InvalidToken):
        return say("bad_token")
    if isinstance(exc, tg.TimedOut):
        return say("telegram_timeout", host=host)
    if isinstance(exc, tg.Forbidden | tg.BadRequest | tg.EndPointNotFound | tg.Conflict):
        return say("telegram_refused", host=host, error=exc.message)
    if isinstance(exc, tg.NetworkError):
        return say("telegram_unreachable", host=host, error=exc.message)
    return None


def _database(exc: BaseException, config: Config) -> str | None:
    where = shown_url(config.database.url)
    if isinstance(exc, sa.ProgrammingError) or _no_table(exc):
        return say("cannot_read_db", error=_first_line(exc.orig))
    if isinstance(exc, sa.OperationalError | sa.InterfaceError | sa.TimeoutError):
        reason = exc.orig if isinstance(exc, sa.DBAPIError) else exc
        return say("database_unavailable", url=where, error=_first_line(reason))
    if isinstance(exc, (*_PG_ERRORS, *_NETWORK)):
        return say("database_unavailable", url=where, error=_first_line(exc))
    return None


def _no_table(exc: BaseException) -> bool:
    """SQLite reports a missing table (an unmigrated database) as an OperationalError."""
    return isinstance(exc, sa.OperationalError) and "no such table" in str(exc.orig)


def _file(exc: BaseException) -> str | None:
    if isinstance(exc, PermissionError):
        return say("permission_denied", path=exc.filename or "?")
    if isinstance(exc, OSError):
        if exc.filename:
            return say("file_error", path=exc.filename, error=exc.strerror or exc)
        return say("os_error", error=exc.strerror or exc)
    return None


def _host(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.hostname}:{parts.port}" if parts.port else str(parts.hostname)


def _first_line(exc: object) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]


def quiet_late_worker_threads() -> None:
    """Silence aiosqlite's worker thread reporting to an event loop that already closed.

    When opening a SQLite file fails, aiosqlite queues its own clean-up without awaiting it;
    the command has already failed (and said why) when the worker finds the loop closed and
    dies with a traceback (omnilib/aiosqlite#241). Only that case is silenced.
    """
    previous = threading.excepthook

    def hook(args: threading.ExceptHookArgs) -> None:
        late = (args.exc_type is RuntimeError and "Event loop is closed" in str(args.exc_value)
                and args.thread is not None and "_connection_worker_thread" in args.thread.name)
        if late:
            logging.getLogger("groupbot").debug("aiosqlite worker outlived its event loop")
        else:
            previous(args)

    threading.excepthook = hook
