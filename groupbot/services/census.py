"""Use case: import census rows, one file in one transaction; re-importing changes nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from groupbot.clock import Clock
from groupbot.domain.census import CensusRow
from groupbot.domain.clock import as_utc
from groupbot.domain.textnorm import member_key
from groupbot.storage import bulk, census_rows
from groupbot.storage.group_rows import TELEGRAM, audit_events

CHUNK = 5000
ACTOR = "census"
FRESH_STATISTICS_ROWS = 10_000  # a file this large changes the tables' statistics
_NONE: frozenset[int] = frozenset()


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
        Chunks bound the memory and each statement's size inside the one transaction.
        """
        rows = _last_row_wins(rows)
        counted = ImportReport()
        async with self._engine.begin() as conn:
            await bulk.tune(conn)
            people = await self._people(conn, rows)
            for start in range(0, len(rows), CHUNK):
                chunk = rows[start:start + CHUNK]
                await self._import_chunk(conn, chunk, counted, people)
                progress(len(chunk))
            if len(rows) >= FRESH_STATISTICS_ROWS:
                # Autovacuum analyses later: the next command would plan on stale counts.
                await bulk.analyze(conn, ("groups", "members", "memberships"))
        report.new += counted.new
        report.updated += counted.updated
        report.unchanged += counted.unchanged
        return report

    async def _people(self, conn: AsyncConnection, rows: list[CensusRow]
                      ) -> dict[str, dict[str, int]]:
        """Member keys of everyone the file lists, by platform and display name; people not
        known yet are created."""
        listed = _listed(rows)
        ids, named, keys = _people_listed(listed)
        by_id = await census_rows.people_by_id(conn, ids)
        by_key: dict[str, dict[str, int]] = {platform: {} for platform in listed}
        for (platform, key), pk in (await census_rows.people_by_name(conn, named)).items():
            by_key[platform][key] = pk
        return {platform: _member_pks(names, keys, by_id, by_key[platform])
                for platform, names in listed.items()}

    async def _import_chunk(self, conn: AsyncConnection, chunk: list[CensusRow],
                            report: ImportReport, people: dict[str, dict[str, int]]) -> None:
        now = self._clock.now()
        keys = [(r.platform, r.chat_id) for r in chunk]
        stored = await census_rows.existing_groups(conn, keys)
        fresh = [r for r, key in zip(chunk, keys, strict=True) if key not in stored]
        new_pks = await census_rows.insert_groups(
            conn, [(r.platform, r.chat_id, self._group_values(r)) for r in fresh], now)
        await census_rows.audit_registered(conn, now, ACTOR, [
            (pk, r.line) for r, pk in zip(fresh, new_pks, strict=True)])
        report.new += len(fresh)
        made = iter(new_pks)
        pks = [stored[key]["id"] if key in stored else next(made) for key in keys]
        diffs = []
        for row, key in zip(chunk, keys, strict=True):
            old = stored.get(key)
            if old is not None:
                diff = _changes(old, self._group_values(row))
                if diff:
                    diffs.append((old["id"], diff))
        await census_rows.update_groups(conn, diffs, now)
        await audit_events(conn, at=now, actor=ACTOR, action="census_updated", events=[
            (pk, {"fields": sorted(diff)}) for pk, diff in diffs])
        existing = [old["id"] for old in stored.values()]
        changed = {pk for pk, _ in diffs} | await self._sync_members(
            conn, chunk, pks, people, existing)
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
                            pks: list[int], people: dict[str, dict[str, int]],
                            existing: list[int]) -> set[int]:
        """Make memberships match the listed members; returns groups whose members changed."""
        present = await census_rows.current_members(conn, existing)
        added, joined, left, changed = [], [], [], set()
        for row, pk in zip(chunk, pks, strict=True):
            if not row.members:
                continue  # nothing listed: nothing to add, and no reason to drop anyone
            pk_of = people[row.platform]
            wanted = {pk_of[m.display_name] for m in row.members}
            if pk not in present:  # registered just now: no one to compare with or to keep
                added.append((pk, sorted(wanted)))
                continue
            new = wanted - present[pk]
            # Telegram groups also learn members live; the census only adds to those.
            gone = present[pk] - wanted if row.platform != TELEGRAM else _NONE
            joined += [(pk, m) for m in sorted(new)]
            left += [(pk, m) for m in sorted(gone)]
            if new or gone:
                changed.add(pk)
        await census_rows.add_members(conn, added)
        await census_rows.set_presence(conn, joined, left)
        return changed


def _listed(rows: list[CensusRow]) -> dict[str, dict[str, int | None]]:
    """Display names per platform with their Telegram id (None for a name), in file order."""
    by_platform: dict[str, list[CensusRow]] = {}
    for row in rows:
        by_platform.setdefault(row.platform, []).append(row)
    return {platform: {m.display_name: m.user_id for r in group for m in r.members}
            for platform, group in by_platform.items()}


def _people_listed(listed: dict[str, dict[str, int | None]]
                   ) -> tuple[list[int], list[tuple[str, str, str]], dict[str, str]]:
    """Telegram ids, (platform, name key, first name shown) of people known by name, and the
    key of each display name (each normalised once, whatever the platforms it appears on)."""
    keys: dict[str, str] = {}
    ids: dict[int, None] = {}
    named: list[tuple[str, str, str]] = []
    for platform, names in listed.items():
        first: dict[str, str] = {}  # a new person is created under the first name shown
        for name, uid in names.items():
            if uid is not None:
                ids[uid] = None
                continue
            if name not in keys:
                keys[name] = member_key(name)
            first.setdefault(keys[name], name)
        named += [(platform, key, name) for key, name in first.items()]
    return list(ids), named, keys


def _member_pks(names: dict[str, int | None], keys: dict[str, str], by_id: dict[int, int],
                by_key: dict[str, int]) -> dict[str, int]:
    """Each display name's member key: by Telegram id, else by normalised name."""
    return {name: by_key[keys[name]] if uid is None else by_id[uid]
            for name, uid in names.items()}


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
