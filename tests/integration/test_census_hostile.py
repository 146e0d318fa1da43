"""Census files that broke the importer once: each ends in a clean import, reported bad rows,
or a one-line file error that leaves the database exactly as it was; never a traceback."""

import asyncio
import json
import re
import zipfile
from datetime import timedelta

import pytest
from openpyxl import Workbook

from groupbot.cli import main
from groupbot.domain.census import CENSUS_COLUMNS
from groupbot.importers import census_files
from groupbot.services import census
from groupbot.services.census import CensusService
from groupbot.services.merges import MergeService
from groupbot.storage.db import make_engine
from tests.census_helpers import good_rows, run_import, state, write_census
from tests.clocks import suite_clock
from tests.xlsx_parts import write_xlsx

HIDDEN = "\x00\x1b[31m\u202e\u200b\u2060\ufeff"


def inventory(capsys) -> dict:
    capsys.readouterr()
    assert main(["export"]) == 0
    return {r["chat_id"]: r for r in json.loads(capsys.readouterr().out)}


def one_line_errors(err: str) -> list[str]:
    lines = err.splitlines()
    assert all(line.startswith(("skipped ", "groupbot: ")) for line in lines), err
    assert "Traceback" not in err and "\x1b" not in err
    return lines


def test_a_ten_megabyte_field_is_a_row_error(env, capsys):
    big = ["wechat", "wx-big", "大群", "x" * 10_000_000, "", "", "", "", "", ""]
    rows = [*good_rows(601), big, *good_rows(5, "late")]
    run = run_import(capsys, write_census(env / "big.csv", rows))
    assert run.code == 0
    assert "606 new, 0 updated, 0 unchanged, 1 skipped" in run.out
    (error,) = one_line_errors(run.err)
    assert "line 603, column purpose: cell is longer than 2,000,000 characters" in error
    assert len(inventory(capsys)) == 606


def test_nul_and_invisible_characters_are_removed(env, capsys):
    rows = good_rows(721)
    rows[600][2] = f"涌金门{HIDDEN}消防群"
    rows[601][5] = "王\x00轩;李\u200b娜"
    run = run_import(capsys, write_census(env / "nul.csv", rows))
    assert (run.code, run.err) == (0, "")
    assert "721 new" in run.out
    groups = inventory(capsys)
    assert len(groups) == 721
    assert groups["wx-0600"]["title"] == "涌金门 [31m 消防群"
    assert groups["wx-0601"]["members_seen"] == 2


def test_markup_is_shown_as_written_and_the_next_file_is_read(env, capsys):
    rows = [["qq", "qq-1", "[/yellow]群", "", "", "", "", "", "", ""],
            ["qq", "qq-2", "t", "", "", "", "", "[link=http://evil.example]2026-01-01[/link]",
             "", ""],
            ["qq", "qq-3", "t", "", "", "", "[bold red]", "", "", ""]]
    first = write_census(env / "[red]first[bold].csv", rows)
    run = run_import(capsys, first, write_census(env / "second.csv", good_rows(2)))
    assert run.code == 0
    errors = one_line_errors(run.err)
    assert "'[link=http://evil.example]2026-01-01[/li…'" in errors[0]  # shown, cut, not run
    assert "'[bold red]'" in errors[1]
    assert "[red]first[bold].csv: 1 new" in run.out and "second.csv: 2 new" in run.out
    assert inventory(capsys)["qq-1"]["title"] == "[/yellow]群"


def test_telegram_chat_ids_must_be_bot_api_ids_or_usernames(env, capsys):
    rows = [["telegram", "tg-000508", "坏编号", "", "", "", "", "", "", ""],
            ["telegram", "https://t.me/Hubin_Fire", "湖滨消防", "", "", "", "", "", "", ""],
            ["telegram", "-1001234567890", "网格", "", "", "", "", "", "", ""],
            ["telegram", "-100123456789012345", "太长", "", "", "", "", "", "", ""]]
    run = run_import(capsys, write_census(env / "tg.csv", rows))
    assert run.code == 0
    errors = one_line_errors(run.err)
    assert "line 2, column chat_id: chat_id 'tg-000508' is not a Telegram id" in errors[0]
    assert "line 5, column chat_id" in errors[1]
    assert set(inventory(capsys)) == {"@hubin_fire", -1001234567890}


HOSTILE = [
    # Two Telegram groups known by @username, duplicates of each other: a merge proposal.
    ["telegram", "@Hubin_Fire_A", "【重要】湖濱街道湧金門社區消防安全工作羣", "消防台账报送",
     "王轩", "王轩;李娜;张伟;赵敏;刘洋;陈静", "30", "2026-11-01", "2022-01-01", ""],
    ["telegram", "t.me/hubin_fire_b", "涌金门社区消防台账群(新)", "消防检查资料上报", "李娜",
     "王轩-网格员;涌金门社区-李娜;张伟（涌金门社区）;赵敏;刘洋", "25", "2026-11-10",
     "2025-06-01", ""],
    ["qq", "[/yellow]", f"[link=http://evil.example]{HIDDEN}[/link]", "[b]", "\x1b]0;x\x07",
     "[/red];\u202e王轩", "", "2020-01-01", "2019-01-01", "2020-06-30"],
    ["wechat", "wx-t", "t" * 256, "", "", "", "", "", "", ""],
    ["wechat", "wx-d", "t", "", "", "", "", "1900-01-01", "", ""],
    ["wechat", "wx-n", "t", "", "", "", "²", "", "", ""],
    ["wechat", "wx-w", "t", "", "", "", "９９", "", "", ""],
    ["wechat", "wx-m", "t", "", "", "名" * 65, "", "", "", ""],
    ["telegram", "tg-000508", "t", "", "", "", "", "", "", ""],
]


def test_what_a_hostile_census_leaves_breaks_no_later_command(env, db_url, capsys):
    run = run_import(capsys, write_census(env / "hostile.csv", HOSTILE))
    assert run.code == 0
    assert "3 new, 0 updated, 0 unchanged, 6 skipped" in run.out
    assert len(one_line_errors(run.err)) == 6
    capsys.readouterr()
    assert main(["match", "--json"]) == 0
    (proposal,) = json.loads(capsys.readouterr().out)
    assert sorted(proposal["groups"]) == ["@hubin_fire_a", "@hubin_fire_b"]
    assert main(["scan", "--dry-run", "--json"]) == 0
    verdicts = {r["chat_id"]: r for r in json.loads(capsys.readouterr().out)}
    assert verdicts["[/yellow]"]["verdict"] in ("zombie", "expired_temporary")
    assert main(["scan", "--dry-run"]) == 0
    assert main(["digest"]) == 0
    assert main(["digest", "--format", "html"]) == 0
    assert main(["export", "--format", "csv"]) == 0
    stored = inventory(capsys)["[/yellow]"]
    assert stored["title"] == "[link=http://evil.example] [31m [/link]"
    assert (stored["purpose"], stored["owner"]) == ("[b]", "]0;x")
    assert asyncio.run(merge_and_restrict(db_url, proposal["id"])) == ("executed", [])
    assert main(["unmerge", str(proposal["id"])]) == 0


async def merge_and_restrict(db_url: str, proposal_id: int):
    """Approve a merge of two groups known by @username, then the read-only job after the
    grace: decided and audited, but nothing is sent where the bot cannot reach."""
    engine = make_engine(db_url)
    try:
        service = MergeService(engine, suite_clock())
        outcome = await service.decide(proposal_id, 7, True)
        return outcome.result, await service.make_read_only(timedelta(0))
    finally:
        await engine.dispose()


def test_a_database_error_rolls_the_whole_file_back(env, db_url, capsys, monkeypatch):
    run_import(capsys, write_census(env / "first.csv", good_rows(3, "old")))
    before = state(db_url)
    original = CensusService._import_chunk
    calls = []

    async def failing(self, conn, chunk, report, people):
        calls.append(len(chunk))
        if len(calls) == 2:  # after the first 500 rows were written in this transaction
            from sqlalchemy.exc import OperationalError
            raise OperationalError("INSERT", {}, Exception("disk I/O error"))
        await original(self, conn, chunk, report, people)

    monkeypatch.setattr(CensusService, "_import_chunk", failing)
    monkeypatch.setattr(census, "CHUNK", 500)
    run = run_import(capsys, write_census(env / "big.csv", good_rows(700)),
                     write_census(env / "after.csv", good_rows(2, "after")))
    assert run.code == 1
    (error,) = one_line_errors(run.err)
    assert error.startswith("groupbot: nothing imported from big.csv: database error")
    assert "after.csv: 2 new" in run.out
    monkeypatch.setattr(CensusService, "_import_chunk", original)
    groups = inventory(capsys)
    assert len(groups) == 5 and "wx-0000" not in groups
    assert before[0]["groups"] == 3


def test_a_file_over_the_size_limit_is_refused(env, db_url, capsys, monkeypatch):
    monkeypatch.setattr(census_files, "CSV_MAX_BYTES", 1000)
    before = state(db_url)
    run = run_import(capsys, write_census(env / "long.csv", good_rows(20)))
    assert run.code == 1
    (error,) = one_line_errors(run.err)
    assert re.fullmatch(r"groupbot: nothing imported from long\.csv: file is [0-9,]+ bytes "
                        r"\(limit 1,000\)", error)
    assert state(db_url) == before


@pytest.mark.parametrize("encoding", ["big5", "utf-16", "utf-16-le", "utf-16-be", "gb18030"])
def test_traditional_chinese_and_utf16_are_stored_as_written(env, capsys, encoding):
    title = "湖濱街道垃圾分類工作群"
    rows = [["wechat", "wx-b5", title, "垃圾分類宣傳", "王軒", "王軒;李娜", "", "", "", ""]]
    text_bytes = write_census(env / "c.csv", rows, "utf-8").read_text(encoding="utf-8")
    bom = {"utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff"}.get(encoding, b"")
    (env / "c.csv").write_bytes(bom + text_bytes.encode(encoding))
    run = run_import(capsys, env / "c.csv")
    assert (run.code, run.err) == (0, "")
    group = inventory(capsys)["wx-b5"]
    assert (group["title"], group["purpose"], group["owner"]) == (title, "垃圾分類宣傳", "王軒")


def test_an_unsure_encoding_is_refused_until_named(env, db_url, capsys):
    path = env / "short.csv"
    path.write_bytes("platform,chat_id,title\nqq,qq-1,王\n".encode("gb18030"))
    before = state(db_url)
    run = run_import(capsys, path)
    assert run.code == 1
    (error,) = one_line_errors(run.err)
    assert "nothing imported from short.csv" in error and "--encoding" in error
    assert state(db_url) == before
    assert run_import(capsys, "--encoding", "gb18030", path).code == 0
    assert inventory(capsys)["qq-1"]["title"] == "王"
    bad = run_import(capsys, "--encoding", "klingon", path)
    assert bad.code == 2 and "unknown encoding 'klingon'" in bad.err


def test_a_wrong_encoding_named_is_a_file_error(env, capsys):
    path = write_census(env / "c.csv", good_rows(2), "gb18030")
    run = run_import(capsys, "--encoding", "utf-8", path)
    assert run.code == 1
    assert "not valid utf-8 text" in run.err and "--encoding" in run.err


def xlsx_rows():
    return [list(CENSUS_COLUMNS), ["wechat", "wx-x1", "表格群", "台账", "王轩", "王轩;李娜", 12,
                                   "2026-10-01", "", ""],
            ["qq", "qq-x2", "第二群", "", "", "", None, "", "", ""]]


def test_xlsx_without_dimension_or_with_a_wrong_one(env, capsys):
    book = Workbook()
    for row in xlsx_rows():
        book.active.append(row)
    book.save(env / "openpyxl.xlsx")
    with zipfile.ZipFile(env / "openpyxl.xlsx") as src, \
            zipfile.ZipFile(env / "nodim.xlsx", "w", zipfile.ZIP_DEFLATED) as out:
        for part in src.infolist():
            data = src.read(part)
            if part.filename.startswith("xl/worksheets/"):
                data = re.sub(rb"<dimension [^>]*/>", b"", data)
                assert b"<dimension" not in data
            out.writestr(part, data)
    run = run_import(capsys, env / "nodim.xlsx")
    assert (run.code, run.err) == (0, "")
    assert "2 new" in run.out
    assert inventory(capsys)["wx-x1"]["member_count"] == 12
    wrong = run_import(capsys, write_xlsx(env / "wrong.xlsx", xlsx_rows(), dimension="C5:D5"))
    assert "0 new, 0 updated, 2 unchanged" in wrong.out


def test_xlsx_whose_shared_string_inflates_to_100_mb_is_refused(env, db_url, capsys):
    rows = xlsx_rows()
    rows[1][3] = "PURPOSE"
    path = write_xlsx(env / "bomb.xlsx", rows, huge=("PURPOSE", 100_000_000))
    assert path.stat().st_size < 200_000
    before = state(db_url)
    run = run_import(capsys, path)
    assert run.code == 1
    (error,) = one_line_errors(run.err)
    assert re.fullmatch(r"groupbot: nothing imported from bomb\.xlsx: part "
                        r"'xl/sharedStrings\.xml' would inflate to 100,000,[0-9]{3} bytes "
                        r"\(limit 50,000,000\)", error)
    assert state(db_url) == before


def test_an_over_long_xlsx_cell_is_a_row_error(env, capsys):
    rows = xlsx_rows()
    rows[1][3] = "PURPOSE"
    run = run_import(capsys, write_xlsx(env / "cell.xlsx", rows, huge=("PURPOSE", 2_500_000)))
    assert run.code == 0 and "1 new, 0 updated, 0 unchanged, 1 skipped" in run.out
    assert "line 2, column purpose: cell is longer than 2,000,000 characters" in run.err


@pytest.mark.parametrize("prolog", [
    '<!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>',
    '<!DOCTYPE sst [<!ENTITY d SYSTEM "file:///etc/hostname">]>',
], ids=["billion-laughs", "external-entity"])
def test_xml_entities_are_refused(env, db_url, capsys, prolog):
    rows = xlsx_rows()
    rows[1][3] = "PURPOSE"
    path = write_xlsx(env / "x.xlsx", rows, prolog=prolog, replace={"PURPOSE": "&d;"})
    before = state(db_url)
    run = run_import(capsys, path)
    assert run.code == 1
    assert one_line_errors(run.err) == [
        "groupbot: nothing imported from x.xlsx: refused: the workbook's XML declares "
        "entities, which spreadsheets never use"]
    assert state(db_url) == before


def test_a_row_far_below_the_last_is_refused_quickly(env, db_url, capsys):
    path = write_xlsx(env / "far.xlsx", xlsx_rows())
    with zipfile.ZipFile(path) as src:
        parts = {p: src.read(p) for p in src.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].replace(b'<row r="3">', b'<row r="99999999">')
    parts["xl/worksheets/sheet1.xml"] = sheet.replace(b'r="A3"', b'r="A99999999"')
    with zipfile.ZipFile(path, "w") as out:
        for name, data in parts.items():
            out.writestr(name, data)
    run = run_import(capsys, path)
    assert run.code == 1 and "more than 1,048,576 rows" in run.err
