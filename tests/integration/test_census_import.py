"""Census import through `groupbot import`: formats, encodings, idempotence, bad rows."""

import asyncio
import json

import pytest
from openpyxl import Workbook
from sqlalchemy import text

from groupbot.cli import main
from groupbot.domain.census import CENSUS_COLUMNS
from tests.clocks import now, suite_clock
from tests.db_helpers import fetch

ROWS = [
    ["wechat", "wx-001", "【重要】涌金门社区消防安全工作群", "消防台账报送", "王轩",
     "王轩;李娜-网格员；涌金门社区-张伟、赵敏（涌金门社区）", "40", "2026-11-01", "2024-03-01", ""],
    ["dingtalk", "dd-002", "湖滨街道迎检专班", "迎检材料", "李娜", "李娜;王轩", "12",
     "2026-10-20", "2026-09-01", "2026-12-31"],
    ["telegram", "-1001234567890", "涌金门社区网格群", "", "", "1001;1002", "", "", "", ""],
]


def write_csv(path, rows, encoding="utf-8-sig", header=CENSUS_COLUMNS):
    lines = [",".join(header)] + [",".join(f'"{c}"' for c in row) for row in rows]
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def export(capsys) -> dict:
    capsys.readouterr()
    assert main(["export"]) == 0
    return {r["chat_id"]: r for r in json.loads(capsys.readouterr().out)}


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gb18030"])
def test_csv_in_every_encoding(env, capsys, encoding):
    assert main(["import", str(write_csv(env / "census.csv", ROWS, encoding))]) == 0
    assert "3 new, 0 updated, 0 unchanged, 0 skipped" in capsys.readouterr().out
    groups = export(capsys)
    fire = groups["wx-001"]
    assert (fire["platform"], fire["purpose"], fire["owner"]) == ("wechat", "消防台账报送", "王轩")
    assert (fire["members_seen"], fire["member_count"]) == (4, 40)
    assert fire["last_active"].startswith("2026-11-01")
    assert groups[-1001234567890]["members_seen"] == 2


def test_reimport_changes_nothing_and_changed_rows_update(env, capsys):
    path = write_csv(env / "census.csv", ROWS)
    assert main(["import", str(path)]) == 0
    before = export(capsys)
    assert main(["import", str(path)]) == 0
    assert "0 new, 0 updated, 3 unchanged" in capsys.readouterr().out
    assert export(capsys) == before
    changed = [list(r) for r in ROWS]
    changed[0][3] = "消防检查资料上报"
    changed[1][5] = "李娜"  # 王轩 left the task group
    assert main(["import", str(write_csv(env / "census.csv", changed))]) == 0
    assert "0 new, 2 updated, 1 unchanged" in capsys.readouterr().out
    after = export(capsys)
    assert after["wx-001"]["purpose"] == "消防检查资料上报"
    assert after["dd-002"]["members_seen"] == 1


def test_bad_rows_are_reported_by_line_and_skipped(env, capsys):
    rows = [ROWS[0], ["qq", "", "无编号群", "", "", "", "", "", "", ""],
            ["qq", "qq-9", "日期错群", "", "", "", "", "2026/13/01", "", ""],
            ["qq", "qq-10", "人数错群", "", "", "", "很多", "", "", ""], ROWS[1]]
    assert main(["import", str(write_csv(env / "census.csv", rows))]) == 0
    captured = capsys.readouterr()
    assert "2 new, 0 updated, 0 unchanged, 3 skipped" in captured.out
    assert "line 3, column chat_id: chat_id is missing" in captured.err
    assert "line 4, column last_active: last_active is not a date" in captured.err
    assert "line 5, column member_count: member_count is not a whole number" in captured.err


def test_xlsx(env, capsys):
    book = Workbook()
    sheet = book.active
    sheet.append(list(CENSUS_COLUMNS))
    for row in ROWS:
        sheet.append(row)
    book.save(env / "census.xlsx")
    assert main(["import", str(env / "census.xlsx")]) == 0
    assert "3 new" in capsys.readouterr().out
    assert export(capsys)["dd-002"]["member_count"] == 12


def test_unreadable_files_are_refused_clearly(env, capsys):
    write_csv(env / "bad.csv", ROWS, header=("name", "size"))
    (env / "broken.json").write_text('{"name": "chat", "messages": [')
    assert main(["import", str(env / "bad.csv"), str(env / "broken.json")]) == 1
    err = capsys.readouterr().err
    assert "header lacks column(s) platform, chat_id, title" in err
    assert "broken.json" in err


DUPLICATES = [
    ["wechat", "wx-101", "【重要】湖濱街道湧金門社區消防安全工作羣", "消防台账报送", "王轩",
     "王轩;李娜;张伟;赵敏;刘洋;陈静", "30", "2026-11-01", "2022-01-01", ""],
    ["dingtalk", "dd-102", "涌金门社区消防台账群(新)", "消防检查资料上报", "李娜",
     "王轩-网格员;涌金门社区-李娜;张伟（涌金门社区）;赵敏;刘洋", "25", "2026-11-10", "2025-06-01",
     ""],
    ["wechat", "wx-103", "湖滨街道涌金门社区党建工作群", "党建", "王轩",
     "王轩;李娜;张伟;赵敏;刘洋;陈静", "30", "2026-11-01", "2022-01-01", ""],
]


def test_match_json_on_a_census_then_unmerge(env, capsys, monkeypatch):
    import asyncio

    from groupbot.config import load_config
    from groupbot.services.merges import MergeService
    from groupbot.storage.db import make_engine

    assert main(["import", str(write_csv(env / "census.csv", DUPLICATES))]) == 0
    capsys.readouterr()
    assert main(["match", "--json"]) == 0
    (proposal,) = json.loads(capsys.readouterr().out)
    assert set(proposal) == {"id", "groups", "survivor", "score", "reasons"}
    assert sorted(proposal["groups"]) == ["dd-102", "wx-101"]
    assert proposal["survivor"] in proposal["groups"] and 0 < proposal["score"] <= 1
    assert any("消防台账报送 ≈ 消防检查资料上报" in r for r in proposal["reasons"])

    async def approve():
        engine = make_engine(load_config(None).database.url)
        outcome = await MergeService(engine, suite_clock()).decide(
            proposal["id"], 7, True)
        await engine.dispose()
        return outcome.result

    assert asyncio.run(approve()) == "executed"
    absorbed = next(g for g in proposal["groups"] if g != proposal["survivor"])
    assert export(capsys)[absorbed]["status"] == "merged"
    assert main(["unmerge", str(proposal["id"])]) == 0
    assert export(capsys)[absorbed]["status"] == "active"
    assert main(["unmerge", str(proposal["id"])]) == 1  # nothing left to revert


def test_executing_a_merge_supersedes_overlapping_proposals(env, capsys):
    import asyncio

    from groupbot.config import load_config
    from groupbot.services.merges import MergeService
    from groupbot.storage import proposals
    from groupbot.storage.db import make_engine

    async def scenario():
        engine = make_engine(load_config(None).database.url)
        async with engine.begin() as conn:  # groups 1 and 2, and groups 2 and 3, both pending
            first, _ = await proposals.record(conn, pks=(1, 2), survivor=1, score=0.9,
                                              reasons=("a",), fingerprint="f1",
                                              at=now())
        async with engine.begin() as conn:
            second = (await conn.execute(proposals.proposals.insert().values(
                group_key="2,3", fingerprint="f2", status="pending", survivor_id=2,
                score=0.8, reasons='["b"]', created_at=now()).returning(
                proposals.proposals.c.id))).scalar_one()
            await conn.execute(proposals.merge_members.insert(),
                               [{"proposal_id": second, "group_id": 2},
                                {"proposal_id": second, "group_id": 3}])
        outcome = await MergeService(engine, suite_clock()).decide(
            first, 7, True)
        async with engine.connect() as conn:
            (other,) = await proposals.load(conn, [second])
        await engine.dispose()
        return outcome.result, other.status

    assert main(["import", str(write_csv(env / "census.csv", DUPLICATES))]) == 0
    assert asyncio.run(scenario()) == ("executed", "superseded")


def test_a_large_file_leaves_fresh_planner_statistics(env, capsys, db_url, monkeypatch):
    """PostgreSQL plans the next command on counts taken after the import, not before it."""
    monkeypatch.setattr("groupbot.services.census.FRESH_STATISTICS_ROWS", 3)
    assert main(["import", str(write_csv(env / "census.csv", ROWS))]) == 0
    if not db_url.startswith("postgres"):
        return  # SQLite plans without statistics: nothing to refresh
    rows = asyncio.run(fetch(db_url, text(
        "SELECT relname, reltuples FROM pg_class WHERE relname IN ('groups', 'memberships')")))
    assert dict(rows) == {"groups": 3, "memberships": 8}
