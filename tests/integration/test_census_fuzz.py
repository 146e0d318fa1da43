"""Arbitrary bytes and arbitrary rows fed to the census importer, on SQLite and PostgreSQL.

Every outcome is a clean import, reported bad rows, or a one-line file error after which the
database is byte-for-byte as before; never a traceback. What does get in must not break the
commands that read the inventory afterwards.
"""

import asyncio
import re

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from groupbot.cli import main
from groupbot.cli.inventory import import_files
from groupbot.config import load_config
from groupbot.domain.census import CENSUS_COLUMNS
from groupbot.importers.census_files import detect_format
from tests.census_helpers import census_text, state
from tests.xlsx_parts import write_xlsx

HEADER = ",".join(CENSUS_COLUMNS).encode() + b"\n"
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
SUMMARY = re.compile(r"^\S+: \d+ new, \d+ updated, \d+ unchanged, \d+ skipped$")
FUZZ = settings(max_examples=40, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])

text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
cells = {
    "platform": st.one_of(st.sampled_from(["telegram", "wechat", "QQ", "", " DingTalk "]), text),
    "chat_id": st.one_of(st.sampled_from(["@Hubin_Fire", "t.me/hubin_fire", "-1001234567890",
                                          "tg-000508", "0", "wx-1", "[/yellow]", ""]), text),
    "title": st.one_of(text, st.just("[link=x]群[/link]"), st.just("长" * 256)),
    "purpose": text,
    "owner": text,
    "members": st.one_of(st.lists(text, max_size=6).map(";".join),
                         st.sampled_from(["1001;1002", "0;-5", "9" * 20, "王轩、李娜"])),
    "member_count": st.one_of(st.sampled_from(["", "12", "-1", "²", "９９", "1" * 16]), text),
    "last_active": st.one_of(st.dates().map(str), text),
    "created": st.one_of(st.sampled_from(["", "2026-02-30", "1989-12-31"]), text),
    "expires": st.one_of(st.dates().map(str), st.just("")),
}
rows = st.lists(st.tuples(*(cells[c] for c in CENSUS_COLUMNS)).map(list), max_size=8)


def check_outcome(capsys, db_url, path) -> int:
    """Import `path`; assert the outcome is one of the three allowed, and return the code."""
    before = state(db_url)
    capsys.readouterr()
    code = asyncio.run(import_files(load_config(None), [path], show_progress=False))
    out, err = capsys.readouterr()
    assert "\x1b" not in err + out
    for line in err.splitlines():
        assert line.startswith(("skipped ", "groupbot: nothing imported from ")), line
    if code == 0:
        assert SUMMARY.match(out.strip()), out
    else:
        assert code == 1 and out == "" and len(err.splitlines()) == 1, err
        assert state(db_url) == before
    return code


def test_arbitrary_bytes(env, db_url, capsys):
    @FUZZ
    @given(data=st.one_of(st.binary(max_size=600), st.binary(max_size=600).map(HEADER.__add__)))
    def one(data):
        path = env / "bytes.csv"
        path.write_bytes(data)
        assume(detect_format(path) != "telegram_export")
        check_outcome(capsys, db_url, path)

    one()


def test_arbitrary_rows_then_every_command(env, db_url, capsys):
    @FUZZ
    @given(rows=rows, encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "gb18030"]))
    def one(rows, encoding):
        path = env / "rows.csv"
        path.write_bytes(census_text(rows).encode(encoding))
        check_outcome(capsys, db_url, path)

    one()
    for command in (["match", "--json"], ["scan", "--dry-run"], ["scan", "--dry-run", "--json"],
                    ["digest"], ["export"], ["export", "--format", "csv"]):
        assert main(command) == 0, command


def test_arbitrary_xlsx(env, db_url, capsys):
    @settings(FUZZ, max_examples=15)
    @given(rows=rows, dimension=st.sampled_from([None, "A1:J2", "C3:A1"]), legal=st.booleans())
    def one(rows, dimension, legal):
        if legal:  # what a spreadsheet program writes; otherwise XML that is not well-formed
            rows = [[XML_ILLEGAL.sub("", cell) for cell in row] for row in rows]
        path = write_xlsx(env / "rows.xlsx", [list(CENSUS_COLUMNS), *rows], dimension=dimension)
        check_outcome(capsys, db_url, path)

    one()
    assert main(["match", "--json"]) == 0
