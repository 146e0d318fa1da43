"""Storing a run's proposals in a few statements keeps the one-at-a-time rules exactly."""

import asyncio
import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import insert, select, update

from groupbot.storage import proposals as rows
from groupbot.storage.db import make_engine
from groupbot.storage.migrate import upgrade
from groupbot.storage.tables import Group

AT = datetime(2026, 11, 25, 2, tzinfo=UTC)
DECIDED = {"reject": "rejected", "approve": "approved"}


async def one_at_a_time(conn, c: rows.Computed) -> tuple[int, bool]:
    """The reference: each proposal on its own, as matching stored them before."""
    key = rows.group_key(c.pks)
    latest = (await conn.execute(
        select(rows.proposals.c.id, rows.proposals.c.status, rows.proposals.c.fingerprint)
        .where(rows.proposals.c.group_key == key).order_by(rows.proposals.c.id.desc())
        .limit(1))).first()
    if latest is not None and (latest.status in rows.OPEN or latest.fingerprint == c.fingerprint):
        if latest.status in rows.OPEN:
            await conn.execute(update(rows.proposals).where(rows.proposals.c.id == latest.id)
                               .values(score=c.score, survivor_id=c.survivor,
                                       fingerprint=c.fingerprint,
                                       reasons=json.dumps(c.reasons, ensure_ascii=False)))
        return latest.id, False
    await rows.supersede_overlapping(conn, c.pks)
    new_id = (await conn.execute(insert(rows.proposals).values(
        group_key=key, fingerprint=c.fingerprint, status="pending", survivor_id=c.survivor,
        score=c.score, reasons=json.dumps(c.reasons, ensure_ascii=False), created_at=AT)
        .returning(rows.proposals.c.id))).scalar_one()
    await conn.execute(insert(rows.merge_members),
                       [{"proposal_id": new_id, "group_id": pk} for pk in c.pks])
    return new_id, True


def partition(draw_groups: list[int], sizes: list[int]) -> list[tuple[int, ...]]:
    """Disjoint clusters of two or three groups, as one matching run finds them."""
    out, pos = [], 0
    for size in sizes:
        if pos + size <= len(draw_groups):
            out.append(tuple(sorted(draw_groups[pos:pos + size])))
            pos += size
    return out


RUN = st.tuples(st.permutations(list(range(1, 9))), st.lists(st.sampled_from([2, 3]), max_size=4),
                st.lists(st.sampled_from(["a", "b"]), min_size=4, max_size=4),
                st.lists(st.sampled_from(["keep", "reject", "approve"]), min_size=4,
                         max_size=4))


async def replay(url: str, runs, batched: bool) -> list:
    engine = make_engine(url)
    async with engine.begin() as conn:
        await conn.execute(insert(Group.__table__), [
            {"id": pk, "chat_id": str(pk), "platform": "wechat", "title": f"g{pk}",
             "chat_type": "group", "status": "active", "registered_at": AT, "updated_at": AT}
            for pk in range(1, 9)])
    outcomes = []
    for order, sizes, prints, decisions in runs:
        found = [rows.Computed(pks, pks[0], 0.9, ("r",), prints[i])
                 for i, pks in enumerate(partition(list(order), sizes))]
        async with engine.begin() as conn:
            if batched:
                outcomes.append(await rows.record_all(conn, found, AT))
            else:
                outcomes.append([await one_at_a_time(conn, c) for c in found])
            for (pid, _), decision in zip(outcomes[-1], decisions, strict=False):
                if decision != "keep":
                    await rows.decide(conn, pid, DECIDED[decision], 7, AT)
    async with engine.connect() as conn:
        state = (await conn.execute(select(rows.proposals.c.id, rows.proposals.c.status,
                                           rows.proposals.c.group_key,
                                           rows.proposals.c.fingerprint)
                                    .order_by(rows.proposals.c.id))).all()
    await engine.dispose()
    return [outcomes, [tuple(r) for r in state]]


@pytest.fixture(scope="module")
def migrated(tmp_path_factory) -> Path:
    """One migrated database file to copy for each example (migrating is the slow part)."""
    path = tmp_path_factory.mktemp("template") / "g.db"
    upgrade(f"sqlite:///{path}")
    return path


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(RUN, min_size=1, max_size=4))
def test_batched_storage_equals_one_at_a_time(migrated, tmp_path_factory, runs):
    results = []
    for batched in (False, True):
        copy = tmp_path_factory.mktemp("p") / "g.db"
        shutil.copy(migrated, copy)
        results.append(asyncio.run(replay(f"sqlite:///{copy}", runs, batched)))
    assert results[0] == results[1]
