"""Logging set-up: the bot token is redacted from every record, httpx URLs stay quiet."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

REDACTED = "<token>"


class RedactToken(logging.Filter):
    """Replaces the bot token wherever it appears in a formatted record."""

    def __init__(self, token: str):
        super().__init__()
        self._token = token

    def filter(self, record: logging.LogRecord) -> bool:
        if not self._token:
            return True
        message = record.getMessage()  # formatted once: later filters must not format again
        if record.exc_info:
            # Format the traceback now, redacted, so the handler does not print it raw.
            message = f"{message}\n{logging.Formatter().formatException(record.exc_info)}"
            record.exc_info = None
            record.exc_text = None
        record.msg = message.replace(self._token, REDACTED)
        record.args = None
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line, for log collectors (time, level, logger, message, pid)."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {"time": datetime.fromtimestamp(record.created, UTC).isoformat(),
                 "level": record.levelname, "logger": record.name,
                 "message": record.getMessage(), "pid": record.process}
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def setup_logging(level: str, token: str = "", fmt: str = "text",
                  secrets: tuple[str, ...] = ()) -> None:
    """Configure the root logger once for the CLI; `secrets` are redacted like the token."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if fmt == "json" else logging.Formatter(
        "%(asctime)s %(levelname)s %(name)s: %(message)s"))
    for secret in (token, *secrets):
        if secret:
            handler.addFilter(RedactToken(secret))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # httpx logs every request URL at INFO, and Bot API URLs contain the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    logging.getLogger("tornado.access").setLevel(logging.WARNING)  # one line per update
    # aiosqlite logs every statement with its parameters at DEBUG: names and command text.
    logging.getLogger("aiosqlite").setLevel(logging.WARNING)
    logging.getLogger("matplotlib").setLevel(logging.WARNING)
