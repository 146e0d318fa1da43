"""`groupbot scan` on a census: verdicts, dry runs that change nothing, rollout grace."""

import json
from datetime import date, timedelta

import pytest

from groupbot.cli import main
from groupbot.domain.census import CENSUS_COLUMNS

TODAY = date(2026, 11, 20)


def census(path, rows):
    lines = [",".join(CENSUS_COLUMNS)] + [",".join(r) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def day(offset: int) -> str:
    return (TODAY + timedelta(days=offset)).isoformat()


@pytest.fixture
def district(db_url, monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("GROUPBOT_DATABASE_URL", db_url)
    monkeypatch.chdir(tmp_path)
    rows = [
        ["wechat", "wx-zombie", "涌金门社区禁毒工作群", "", "", "王轩;李娜", "20", day(-90),
         day(-400), ""],
        ["wechat", "wx-temp", "湖滨街道迎检临时工作群", "", "", "王轩;李娜", "20", day(-3),
         day(-60), day(-20)],
        ["wechat", "wx-alive", "涌金门社区网格群", "", "", "王轩;李娜", "20", day(-1),
         day(-400), ""],
    ]
    assert main(["import", str(census(tmp_path / "c.csv", rows))]) == 0
    capsys.readouterr()


def scan_json(capsys, *args) -> dict:
    assert main(["scan", "--json", *args]) == 0
    return {r["chat_id"]: r for r in json.loads(capsys.readouterr().out)}


def test_dry_run_verdicts_and_rollout_grace(district, capsys):
    first = scan_json(capsys, "--dry-run", "--as-of", day(0))
    assert first["wx-zombie"]["verdict"] == "zombie"
    assert first["wx-zombie"]["last_active"] == day(-90)
    assert first["wx-temp"]["verdict"] == "expired_temporary"
    # Enabling the policy today gives old groups 35 days: no warning yet, archive at day 35.
    assert first["wx-zombie"]["action"] == "none"
    assert first["wx-alive"]["verdict"] == "low_activity"  # a census says nothing of messages
    assert first["wx-alive"]["action"] == "review"


def test_dry_run_changes_nothing_and_real_scan_needs_a_token(district, capsys):
    before = scan_json(capsys, "--dry-run", "--as-of", day(0))
    again = scan_json(capsys, "--dry-run", "--as-of", day(0))
    assert before == again
    assert main(["scan", "--as-of", day(0)]) == 2
    assert "--dry-run" in capsys.readouterr().err
    assert main(["export"]) == 0
    statuses = {r["chat_id"]: r["status"] for r in json.loads(capsys.readouterr().out)}
    assert set(statuses.values()) == {"active"}


def test_restore_refuses_a_group_that_is_not_archived(district, capsys):
    assert main(["restore", "wx-zombie", "--platform", "wechat"]) == 1
    assert "not archived" in capsys.readouterr().err
