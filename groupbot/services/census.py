"""Use case: import census rows, one file in one transaction; re-importing changes nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from itertools import islice

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from groupbot.clock import Clock
from groupbot.domain.census import CensusRow
from groupbot.domain.clock import as_utc
from groupbot.domain.textnorm import member_key
from groupbot.storage import census_rows
from groupbot.storage.group_rows import TELEGRAM, audit_events

CHUNK = 500
ACTOR = "census"


@dataclass
class ImportReport:
    """What an import did."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)


class CensusService:
    """Writes census rows into the inventory: all rows of a call in one transaction."""

    def __init__(self, engine: AsyncEngine, clock: Clock):
        self._engine = engine
        self._clock = clock
        self._tz = clock.tz

    async def import_rows(self, rows: Iterable[CensusRow], report: ImportReport,
                          progress: Callable[[int], None] = lambda n: None) -> ImportReport:
        """Insert new groups, update changed ones, leave identical ones untouched.

        All or nothing: a database error rolls every row back, and `report` is left as it was.
        Chunks keep each statement's parameter list bounded inside the one transaction.
        """
        rows = iter(_last_row_wins(rows))
        counted = ImportReport()
        people: dict[tuple, int] = {}  # member keys found so far in this file
        async with self._engine.begin() as conn:
            while chunk := list(islice(rows, CHUNK)):
                await self._import_chunk(conn, chunk, counted, people)
                progress(len(chunk))
        report.new += counted.new
        report.updated += counted.updated
        report.unchanged += counted.unchanged
        return report

    async def _import_chunk(self, conn: AsyncConnection, chunk: list[CensusRow],
                            report: ImportReport, people: dict[tuple, int]) -> None:
        now = self._clock.now()
        stored = await census_rows.existing_groups(conn, [(r.platform, r.chat_id) for r in chunk])
        fresh = [r for r in chunk if (r.platform, r.chat_id) not in stored]
        new_pks = await census_rows.insert_groups(
            conn, [(r.platform, r.chat_id, self._group_values(r)) for r in fresh], now)
        pks = dict(zip(fresh, new_pks, strict=True))
        await audit_events(conn, at=now, actor=ACTOR, action="registered", events=[
            (pk, {"via": "census", "line": r.line}) for r, pk in pks.items()])
        report.new += len(fresh)
        diffs = []
        for row in chunk:
            old = stored.get((row.platform, row.chat_id))
            if old is not None:
                pks[row] = old["id"]
                diff = _changes(old, self._group_values(row))
                if diff:
                    diffs.append((old["id"], diff))
        await census_rows.update_groups(conn, diffs, now)
        await audit_events(conn, at=now, actor=ACTOR, action="census_updated", events=[
            (pk, {"fields": sorted(diff)}) for pk, diff in diffs])
        changed = {pk for pk, _ in diffs} | await self._sync_members(conn, chunk, pks, people)
        existing = [pks[r] for r in chunk if (r.platform, r.chat_id) in stored]
        report.updated += sum(1 for pk in existing if pk in changed)
        report.unchanged += sum(1 for pk in existing if pk not in changed)

    def _group_values(self, row: CensusRow) -> dict:
        values = {"title": row.title, "purpose": row.purpose, "owner_name": row.owner,
                  "member_count": row.member_count, "created_on": row.created,
                  "expires_on": row.expires}
        if row.last_active is not None:
            values["last_active"] = self._local_noon(row.last_active)
        return {k: v for k, v in values.items() if v is not None}

    def _local_noon(self, day: date) -> datetime:
        # A census date has no time; noon keeps it on the same local day in any reading.
        return as_utc(datetime.combine(day, time(12), self._tz))

    async def _sync_members(self, conn: AsyncConnection, chunk: list[CensusRow],
                            pks: dict, known: dict[tuple, int]) -> set[int]:
        """Make memberships match the listed members; returns groups whose members changed."""
        user_ids = {m.user_id for r in chunk for m in r.members if m.user_id is not None}
        # The same people recur across a chunk's groups: normalise each name once.
        keys = {m.display_name: "" for r in chunk for m in r.members if m.user_id is None}
        keys = {name: member_key(name) for name in keys}
        names = {(r.platform, keys[m.display_name], m.display_name)
                 for r in chunk for m in r.members if m.user_id is None}
        people = await census_rows.ensure_people(conn, user_ids, names, known)
        present = await census_rows.current_members(conn, list(pks.values()))
        joined, left, changed = [], [], set()
        for row in chunk:
            pk = pks[row]
            wanted = {people[("id", m.user_id)] if m.user_id is not None
                      else people[("name", row.platform, keys[m.display_name])]
                      for m in row.members}
            new = wanted - present[pk]
            # Telegram groups also learn members live; the census only adds to those.
            gone = (present[pk] - wanted) if row.platform != TELEGRAM and row.members else set()
            joined += [(pk, m) for m in new]
            left += [(pk, m) for m in gone]
            if new or gone:
                changed.add(pk)
        await census_rows.set_presence(conn, joined, left)
        return changed


def _changes(old: dict, values: dict) -> dict:
    diff = {}
    for name, value in values.items():
        current = old.get(name)
        if name == "last_active":
            current = as_utc(current)
            if current is not None and current >= value:
                continue  # live activity newer than the census wins
        if current != value:
            diff[name] = value
    return diff


def _last_row_wins(rows: Iterable[CensusRow]) -> list[CensusRow]:
    """A group listed twice is imported once, as its last line says."""
    latest = {(r.platform, r.chat_id): r for r in rows}
    return list(latest.values())
