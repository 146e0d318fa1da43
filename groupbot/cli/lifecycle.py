"""`groupbot scan` and `groupbot restore`: the lifecycle from the command line."""

from __future__ import annotations

import json
import sys
from datetime import date

from groupbot.cli.words import say
from groupbot.clock import clock_from_environment
from groupbot.config import Config
from groupbot.domain.validation import InvalidValue, chat_id_for
from groupbot.services.lifecycle_changes import NotArchived
from groupbot.storage.db import make_engine
from groupbot.storage.group_rows import public_chat_id
from groupbot.storage.migrate import upgrade_async
from groupbot.wiring import command_courier, lifecycle_changes, lifecycle_notices, scan_service


async def run_scan(config: Config, *, as_of: date | None, dry_run: bool, as_json: bool) -> int:
    """Scan; a real scan also sends the warnings and archives through the Bot API."""
    if not dry_run and not config.telegram.token:
        print(say("scan_needs_token"), file=sys.stderr)
        return 2
    await upgrade_async(config.database.url)
    engine = make_engine(config.database.url)
    clock = clock_from_environment(config.tz)
    try:
        service = scan_service(config, engine, clock)
        today = as_of or service.today()
        if dry_run:
            items = await service.scan(today, dry_run=True)
        else:
            items, outbox = await service.scan_and_notify(lifecycle_notices(config).scan, today)
            async with command_courier(config, engine, clock) as courier:
                await courier.deliver(outbox)
    finally:
        await engine.dispose()
    _print(items, as_json, dry_run)
    return 0


def _print(items, as_json: bool, dry_run: bool) -> None:
    if as_json:
        json.dump([i.json_row() for i in items if i.verdict], sys.stdout, ensure_ascii=False,
                  indent=2)
        sys.stdout.write("\n")
        return
    for item in items:
        print(f"{item.chat_id}\t{item.verdict or '-'}\t{item.action}\t"
              f"{item.due_on or ''}\t{item.title}")
    print(say("scan_total", n=len(items), dry_run=say("scan_dry_run") if dry_run else ""))


async def run_restore(config: Config, chat_id: str, platform: str) -> int:
    """Restore an archived group (and its Telegram permissions when a token is configured)."""
    await upgrade_async(config.database.url)
    engine = make_engine(config.database.url)
    clock = clock_from_environment(config.tz)
    try:
        changes = lifecycle_changes(config, engine, clock)
        key_id = public_chat_id(platform, _normalised(platform, chat_id))
        restored = await changes.restore(key_id, "cli", platform,
                                         notices=lifecycle_notices(config).restored)
        if restored.outbox and config.telegram.token:
            async with command_courier(config, engine, clock) as courier:
                await courier.deliver(restored.outbox)
    except NotArchived:
        print(say("not_archived", chat_id=chat_id), file=sys.stderr)
        return 1
    except LookupError:
        print(say("no_such_group", chat_id=chat_id), file=sys.stderr)
        return 1
    finally:
        await engine.dispose()
    # Without a token the running bot delivers what is left in the outbox.
    print(say("restored", chat_id=chat_id))
    return 0


def _normalised(platform: str, chat_id: str) -> str:
    """The id as the inventory stores it (t.me/Name → @name); a bad one is simply not found."""
    try:
        return chat_id_for(platform, chat_id)
    except InvalidValue:
        return chat_id
