"""The bot's daily match re-reads and re-scores only what changed, and stores what a full run
would: census changes, live joins and a forgotten person go through the real write paths."""

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from groupbot.demo.census import write_census_csv
from groupbot.demo.district import generate_district
from groupbot.domain.activity import ActivityBatch, PersonSeen, Presence
from groupbot.domain.census import parse_row
from groupbot.domain.events import Person
from groupbot.domain.lexicon import Lexicon
from groupbot.importers.census_files import read_rows
from groupbot.services.census import CensusService, ImportReport
from groupbot.services.matching import MatchingService
from groupbot.services.privacy import PrivacyService
from groupbot.storage.activity import (
    member_ids,
    membership_rows,
    upsert_members,
    upsert_memberships,
)
from groupbot.storage.db import make_engine
from tests.clocks import at

MOMENT = "2026-11-21T10:00:00+08:00"
SEEN = datetime(2026, 11, 21, 2, tzinfo=UTC)


@pytest.fixture
async def engine(db_url):
    engine = make_engine(db_url)
    yield engine
    await engine.dispose()


async def imported(engine, clock, groups, path) -> None:
    write_census_csv(groups, path)
    rows = (parse_row(raw, line) for line, raw in read_rows(path))
    await CensusService(engine, clock).import_rows(rows, ImportReport())


def shown(run) -> list[tuple]:
    return [(p.id, p.status, p.group_pks, p.survivor_pk, p.score, p.reasons)
            for p in run.proposals]


async def same_as_a_full_run(engine, clock, daily: MatchingService):
    again = await daily.run()
    full = await MatchingService(engine, clock, Lexicon.default()).run()
    assert shown(again) == shown(full)
    return again


async def test_the_daily_match_redoes_only_what_changed(engine, tmp_path):
    clock = at(MOMENT)
    district = generate_district(300, seed=3)
    await imported(engine, clock, district, tmp_path / "census.csv")
    daily = MatchingService(engine, clock, Lexicon.default())
    first = await daily.run()
    assert first.examined == len(district) and len(first.proposals) > 10

    unchanged = await same_as_a_full_run(engine, clock, daily)
    assert unchanged.examined == 0
    quiet = await daily.run(details=False)  # as the daily job runs: only new ones read back
    assert quiet.ids == tuple(p.id for p in unchanged.proposals) and quiet.proposals == []

    # A census with a few groups renamed or restaffed, and a copy of another under a new id.
    edited = list(district)
    for i in (5, 40, 77):
        edited[i] = replace(edited[i], members=edited[i].members[: len(edited[i].members) // 2])
    edited[120] = replace(edited[120], title=edited[120].title + "（新）")
    copy = next(i for i in range(200, 300) if district[i].platform != "telegram")
    edited.append(replace(edited[copy], chat_id=edited[copy].chat_id + "x"))
    await imported(engine, clock, edited, tmp_path / "census2.csv")
    after_census = await same_as_a_full_run(engine, clock, daily)
    assert 0 < after_census.examined < len(district) // 5

    # Live Telegram traffic: someone joins a group; someone asks to be forgotten.
    await joined(engine, group_pk=7, user_id=424242)
    await joined(engine, group_pk=9, user_id=424242)
    assert (await same_as_a_full_run(engine, clock, daily)).examined == 2
    await PrivacyService(engine, clock).forget(424242)
    assert (await same_as_a_full_run(engine, clock, daily)).examined == 2


async def joined(engine, group_pk: int, user_id: int) -> None:
    """A live join through the ingestion writes (member, membership, version)."""
    batch = ActivityBatch()
    batch.presence[(0, user_id)] = Presence(first_seen=SEEN, last_seen=SEEN, status="member",
                                            status_at=SEEN)
    async with engine.begin() as conn:
        await upsert_members(conn, [PersonSeen(Person(user_id, "新同事"), SEEN, SEEN)])
        await upsert_memberships(conn, *membership_rows(
            batch, {0: group_pk}, await member_ids(conn, [user_id])))
