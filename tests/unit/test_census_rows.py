"""Census rows at the door, encodings told apart, and chat ids the bot can or cannot reach."""

import contextlib
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from groupbot.domain.census import CENSUS_COLUMNS, CensusRowError, parse_row
from groupbot.domain.validation import CELL_MAX
from groupbot.importers.census_encoding import EncodingError, decode, known_encoding, sniff
from groupbot.storage.group_rows import public_chat_id, reachable

GOOD = {"platform": "WeChat", "chat_id": "wx-1", "title": " 涌金门\u200b社区  网格群 ",
        "purpose": "网格管理", "owner": "王轩", "members": "王轩;李娜、王轩；1001",
        "member_count": "12", "last_active": "2026-11-01 09:30", "created": date(2025, 1, 1),
        "expires": ""}


def test_a_good_row_is_cleaned_and_normalised():
    row = parse_row(GOOD, 2)
    assert (row.platform, row.chat_id, row.title) == ("wechat", "wx-1", "涌金门 社区 网格群")
    assert [(m.user_id, m.display_name) for m in row.members] == [
        (None, "王轩"), (None, "李娜"), (1001, "1001")]
    assert (row.member_count, row.last_active, row.created, row.expires) == (
        12, date(2026, 11, 1), date(2025, 1, 1), None)


@pytest.mark.parametrize(("column", "value", "problem"), [
    ("chat_id", " ", "chat_id is missing"),
    ("platform", "\u200b", "platform is missing"),
    ("title", "群" * 256, "title is longer than 255 characters (256)"),
    ("purpose", "x" * 201, "purpose is longer than 200 characters (201)"),
    ("owner", "x" * 65, "owner is longer than 64 characters (65)"),
    ("members", "王轩;" + "x" * 65, "member 'xxxx"),
    ("members", "0", "user id 0 is out of range"),
    ("member_count", "²", "member_count is not a whole number: '²'"),
    ("member_count", "10000001", "member_count 10000001 is out of range"),
    ("last_active", "1989-12-31", "last_active 1989-12-31 is out of range (1990–2100)"),
    ("created", "2026-02-30", "created is not a date (YYYY-MM-DD): '2026-02-30'"),
    ("expires", "x" * (CELL_MAX + 1), "cell is longer than 2,000,000 characters"),
])
def test_each_rule_names_line_column_and_reason(column, value, problem):
    with pytest.raises(CensusRowError) as caught:
        parse_row({**GOOD, column: value}, 7)
    assert str(caught.value).startswith(f"line 7, column {column}: {problem}")
    assert (caught.value.line, caught.value.column) == (7, column)


def test_telegram_ids_are_stored_as_the_bot_api_names_them():
    row = {**GOOD, "platform": "telegram"}
    assert parse_row({**row, "chat_id": "t.me/Hubin_Fire/"}, 2).chat_id == "@hubin_fire"
    assert parse_row({**row, "chat_id": "-1001234567890"}, 2).chat_id == "-1001234567890"
    with pytest.raises(CensusRowError, match="'tg-000508' is not a Telegram id"):
        parse_row({**row, "chat_id": "tg-000508"}, 2)


def test_too_many_members_is_a_row_error():
    members = ";".join(f"n{i}" for i in range(100_001))
    with pytest.raises(CensusRowError, match="more than 100,000 members"):
        parse_row({**GOOD, "members": members}, 2)


@given(st.dictionaries(st.sampled_from(CENSUS_COLUMNS),
                       st.one_of(st.text(max_size=30), st.integers(), st.floats(),
                                 st.dates(), st.none())))
def test_any_row_parses_or_is_a_row_error(raw):
    with contextlib.suppress(CensusRowError):
        parse_row(raw, 2)


TRADITIONAL = "platform,chat_id,title\nwechat,wx-1,湖濱街道垃圾分類工作群,垃圾分類宣傳,王軒\n"


@pytest.mark.parametrize(("data", "expected"), [
    (TRADITIONAL.encode("big5"), "big5"),
    (TRADITIONAL.encode("gb18030"), "gb18030"),
    ("涌金门社区消防安全工作群,消防台账报送".encode("gb18030"), "gb18030"),
    (TRADITIONAL.encode("utf-8"), "utf-8"),
    (TRADITIONAL.encode("utf-8-sig"), "utf-8-sig"),
    (TRADITIONAL.encode("utf-16"), "utf-16"),
    (TRADITIONAL.encode("utf-32"), "utf-32"),
])
def test_encodings_are_recognised(data, expected):
    assert sniff(data) == expected
    assert decode(data) == TRADITIONAL or "涌金门" in decode(data)


def test_an_uncertain_or_wrong_encoding_is_refused():
    with pytest.raises(EncodingError, match="--encoding"):
        sniff("qq,1,王\n".encode("gb18030"))
    with pytest.raises(EncodingError, match="not valid utf-8 text"):
        decode(TRADITIONAL.encode("big5"), "utf-8")
    with pytest.raises(EncodingError, match="unknown encoding"):
        known_encoding("no-such-codec")
    assert known_encoding("BIG5") == "big5"


def test_groups_named_by_username_are_kept_but_never_sent_to():
    assert public_chat_id("telegram", "-1001234567890") == -1001234567890
    assert public_chat_id("telegram", "@hubin_fire") == "@hubin_fire"
    assert public_chat_id("qq", "123") == "123"
    assert reachable("telegram", -100123)
    assert not reachable("telegram", "@hubin_fire") and not reachable("qq", "123")


def test_a_real_scan_warns_only_groups_the_bot_can_reach():
    from groupbot.services.lifecycle import ScanItem
    from groupbot.telegram.lifecycle_notices import LifecycleNotices

    notices = LifecycleNotices(language="zh", admin_chat_id=None, secret=b"k" * 32,
                               inactive_days=30, leave_on_archive=True, restore_days=30)
    items = [ScanItem(1, chat_id, "telegram", "群", "zombie", None, action, date(2026, 12, 1))
             for chat_id in (-100123, "@hubin_fire") for action in ("warn_14", "archive")]
    assert {m.chat_id for m in notices.scan(items, date(2026, 11, 20))} == {-100123}
    assert notices.restored("@hubin_fire", "telegram", None) == []
