"""One raw update turned into what ingestion stores: its events and the inbox row it owes."""

from __future__ import annotations

import logging

from groupbot.services.ingest import Delivery
from groupbot.storage.inbox import InboxItem
from groupbot.telegram.updates import translate

log = logging.getLogger(__name__)


def to_delivery(update: dict, bot_id: int) -> Delivery:
    """Translate an update; a malformed one becomes a quarantined inbox row, never a crash."""
    update_id = int(update["update_id"])
    try:
        result = translate(update, bot_id)
    except Exception as exc:  # any malformed update is quarantined, never a crash loop
        # Only the error's type and the update's keys: its message could quote message text.
        keys = ",".join(sorted(map(str, update)))
        log.warning("malformed update %s quarantined: %s (keys %s)", update_id,
                    type(exc).__name__, keys)
        item = InboxItem(update_id, "malformed", None, "failed",
                         f"{type(exc).__name__}; keys={keys}")
        return Delivery(update_id, "malformed", [], item)
    item = (InboxItem(update_id, result.kind, result.handler_payload)
            if result.handler_payload is not None else None)
    return Delivery(update_id, result.kind, result.events, item)
