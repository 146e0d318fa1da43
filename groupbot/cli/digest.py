"""`groupbot digest`: build the weekly digest and print or send it."""

from __future__ import annotations

import json
import sys
from datetime import date

from telegram import Bot

from groupbot.cli.words import say
from groupbot.clock import clock_from_environment
from groupbot.config import Config
from groupbot.reports.digest_text import digest_text
from groupbot.storage.db import make_engine
from groupbot.storage.migrate import upgrade_async
from groupbot.telegram.render import split_message
from groupbot.wiring import digest_service


async def run_digest(config: Config, *, as_of: date | None, send: bool, fmt: str) -> int:
    """Print the digest (text or JSON), or send its text to the admin chat."""
    if send and not (config.telegram.token and config.telegram.admin_chat_id):
        print(say("digest_needs_chat"), file=sys.stderr)
        return 2
    await upgrade_async(config.database.url)
    engine = make_engine(config.database.url)
    try:
        service = digest_service(config, engine, clock_from_environment(config.tz))
        digest = await service.build(as_of or service.today())
    finally:
        await engine.dispose()
    text = digest_text(digest, config.language)
    if send:
        async with Bot(config.telegram.token, base_url=config.telegram.base_url) as bot:
            for piece in split_message(text):
                await bot.send_message(config.telegram.admin_chat_id, piece)
        print(say("digest_sent", week=digest.week))
    elif fmt == "html":
        from groupbot.reports.digest_html import digest_html

        print(digest_html(digest, config.language))
    elif fmt == "json":
        json.dump(digest.as_json(), sys.stdout, ensure_ascii=False, indent=2, default=str)
        sys.stdout.write("\n")
    else:
        print(text)
    return 0
