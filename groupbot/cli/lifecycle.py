"""`groupbot scan` and `groupbot restore`: the lifecycle from the command line."""

from __future__ import annotations

import sys
from datetime import date

from groupbot.cli.terminal import json_text, plain
from groupbot.cli.words import say
from groupbot.config import Config
from groupbot.domain.validation import InvalidValue, chat_id_for
from groupbot.services.lifecycle_changes import NotArchived
from groupbot.storage.group_rows import public_chat_id
from groupbot.wiring import (
    command_courier,
    command_store,
    lifecycle_changes,
    lifecycle_notices,
    scan_service,
)


async def run_scan(config: Config, *, as_of: date | None, dry_run: bool, as_json: bool) -> int:
    """Scan; a real scan also sends the warnings and archives through the Bot API."""
    if not dry_run and not config.telegram.token:
        print(say("scan_needs_token"), file=sys.stderr)
        return 2
    async with command_store(config) as (engine, clock):
        service = scan_service(config, engine, clock)
        today = as_of or service.today()
        if dry_run:
            items = await service.scan(today, dry_run=True)
        else:
            items, outbox = await service.scan_and_notify(lifecycle_notices(config).scan, today)
            async with command_courier(config, engine, clock) as courier:
                await courier.deliver(outbox)
    _print(items, as_json, dry_run)
    return 0


def _print(items, as_json: bool, dry_run: bool) -> None:
    if as_json:
        sys.stdout.write(json_text([i.json_row() for i in items if i.verdict], indent=2) + "\n")
        return
    for item in items:  # tab-separated: a field must hold neither tabs nor controls
        print("\t".join(plain(v) for v in (item.chat_id, item.verdict or "-", item.action,
                                            item.due_on or "", item.title)))
    print(say("scan_total", n=len(items), dry_run=say("scan_dry_run") if dry_run else ""))


async def run_restore(config: Config, chat_id: str, platform: str) -> int:
    """Restore an archived group (and its Telegram permissions when a token is configured)."""
    try:
        async with command_store(config) as (engine, clock):
            changes = lifecycle_changes(config, engine, clock)
            key_id = public_chat_id(platform, _normalised(platform, chat_id))
            restored = await changes.restore(key_id, "cli", platform,
                                             notices=lifecycle_notices(config).restored)
            if restored.outbox and config.telegram.token:
                async with command_courier(config, engine, clock) as courier:
                    await courier.deliver(restored.outbox)
    except NotArchived:
        print(say("not_archived", chat_id=plain(chat_id)), file=sys.stderr)
        return 1
    except LookupError:
        print(say("no_such_group", chat_id=plain(chat_id)), file=sys.stderr)
        return 1
    # Without a token the running bot delivers what is left in the outbox.
    print(say("restored", chat_id=plain(chat_id)))
    return 0


def _normalised(platform: str, chat_id: str) -> str:
    """The id as the inventory stores it (t.me/Name → @name); a bad one is simply not found."""
    try:
        return chat_id_for(platform, chat_id)
    except InvalidValue:
        return chat_id
