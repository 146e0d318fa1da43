"""`groupbot run`: the bot, until SIGINT/SIGTERM."""

from __future__ import annotations

import asyncio
import logging
import sys

from telegram.error import InvalidToken

from groupbot.app import run_bot
from groupbot.cli.words import say
from groupbot.config import Config
from groupbot.telegram.poller import FatalPollingError


def run(config: Config, *, migrate: bool) -> int:
    """Serve until stopped; returns the exit code."""
    try:
        asyncio.run(run_bot(config, migrate=migrate))
    except (InvalidToken, FatalPollingError):
        print(say("bad_token"), file=sys.stderr)
        return 1
    except Exception:
        # Through the logger, so the traceback is redacted like every other line.
        logging.getLogger("groupbot").exception("groupbot stopped on an unexpected error")
        return 1
    return 0
