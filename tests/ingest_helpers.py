"""Committing events in tests the way the poller does: each batch moves the offset by one."""

from groupbot.services.ingest import IngestService
from groupbot.storage.inbox import OffsetMoved


async def commit(ingest: IngestService, events, items=()) -> None:
    """Apply a batch on top of whatever offset is stored (retrying if another writer won)."""
    while True:
        current = await ingest.offset()
        try:
            await ingest.commit(list(events), list(items), current, (current or 0) + 1)
            return
        except OffsetMoved:
            continue
