"""`groupbot digest`: build the weekly digest and print or send it."""

from __future__ import annotations

import sys
from datetime import date

from groupbot.cli.terminal import json_text, lines
from groupbot.cli.words import say
from groupbot.clock import Clock
from groupbot.config import Config
from groupbot.domain.digest import iso_week
from groupbot.reports.digest_text import digest_text
from groupbot.services.digest import DigestService
from groupbot.telegram.callbacks import derive_secret
from groupbot.telegram.digest_notices import DigestNotices
from groupbot.wiring import command_courier, command_store, digest_service


async def run_digest(config: Config, *, as_of: date | None, send: bool, fmt: str) -> int:
    """Print the digest (text or JSON), or send its text to the admin chat."""
    if send and not (config.telegram.token and config.telegram.admin_chat_id):
        print(say("digest_needs_chat"), file=sys.stderr)
        return 2
    async with command_store(config) as (engine, clock):
        service = digest_service(config, engine, clock)
        if send:
            return await _send(config, engine, clock, service)
        digest = await service.build(as_of or service.today())
    text = digest_text(digest, config.language)
    if fmt == "html":
        from groupbot.reports.digest_html import digest_html

        print(digest_html(digest, config.language))  # escaped, controls removed
    elif fmt == "json":
        sys.stdout.write(json_text(digest.as_json(), indent=2, default=str) + "\n")
    else:
        print(lines(text))
    return 0


async def _send(config: Config, engine, clock: Clock, service: DigestService) -> int:
    """This week's digest to the admin chat, claiming the week as the scheduled one does."""
    chat = config.telegram.admin_chat_id
    notices = DigestNotices(config.language,
                            derive_secret(config.telegram.callback_secret, config.telegram.token))
    outbox = await service.weekly(chat, notices.messages)
    week = iso_week(service.today())
    if outbox is None:
        print(say("digest_already_sent", week=week, chat=chat), file=sys.stderr)
        return 1
    async with command_courier(config, engine, clock) as courier:
        await courier.deliver(outbox)
    print(say("digest_sent", week=week))
    return 0
