"""`groupbot run`: the bot, until SIGINT/SIGTERM."""

from __future__ import annotations

import asyncio
import logging
import sys

from telegram.error import InvalidToken

from groupbot.app import run_bot
from groupbot.cli.words import say
from groupbot.config import Config
from groupbot.services.jobs import where
from groupbot.telegram.poller import FatalPollingError

# After the bot has wound down, tasks still running get this long to end once cancelled.
LEFTOVER_SECONDS = 5.0
log = logging.getLogger(__name__)


def run(config: Config, *, migrate: bool) -> int:
    """Serve until stopped; returns the exit code."""
    try:
        _serve(config, migrate)
    except (InvalidToken, FatalPollingError):
        print(say("bad_token"), file=sys.stderr)
        return 1
    except Exception:
        # Through the logger, so the traceback is redacted like every other line.
        logging.getLogger("groupbot").exception("groupbot stopped on an unexpected error")
        return 1
    return 0


def _serve(config: Config, migrate: bool) -> None:
    """asyncio.run, except that a task that will not end cannot keep the process alive."""
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        loop.run_until_complete(run_bot(config, migrate=migrate))
    finally:
        try:
            _end_leftovers(loop)
            loop.run_until_complete(loop.shutdown_asyncgens())
        finally:
            asyncio.set_event_loop(None)
            loop.close()


def _end_leftovers(loop: asyncio.AbstractEventLoop) -> None:
    """Cancel what is still running and wait for it, within LEFTOVER_SECONDS."""
    leftovers = asyncio.all_tasks(loop)
    for task in leftovers:
        task.cancel()
    if not leftovers:
        return
    _, stuck = loop.run_until_complete(asyncio.wait(leftovers, timeout=LEFTOVER_SECONDS))
    for task in stuck:
        log.warning("leaving a task that did not end: %s", where(task))
