"""The door: limits, invisible characters, and chat ids per platform."""

import unicodedata
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from groupbot.domain.validation import (
    InvalidValue,
    chat_id_for,
    clean_text,
    count,
    day,
    telegram_chat_id,
)

HIDDEN = "\x00\x1b\u202e\u202d\u2066\u200b\u200c\u2060\ufeff\u200d"


@given(st.text(alphabet=st.characters(), max_size=300))
def test_cleaned_text_is_visible_single_line_and_stable(text):
    try:
        cleaned = clean_text(text, 300, "title")
    except InvalidValue:
        return
    assert cleaned == clean_text(cleaned, 300, "title")  # cleaning twice changes nothing
    assert cleaned == cleaned.strip() and "\n" not in cleaned and "  " not in cleaned
    for i, ch in enumerate(cleaned):
        if ch == "\u200d":  # only between two pictures
            assert unicodedata.category(cleaned[i - 1]) in ("So", "Sk", "Mn")
        else:
            assert unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn"), repr(ch)


def test_hidden_characters_go_and_emoji_sequences_stay():
    assert clean_text(f"涌金门{HIDDEN}消防群", 255, "title") == "涌金门 消防群"
    assert clean_text("王\u200d轩 👩\u200d💻", 255, "title") == "王轩 👩\u200d💻"


def test_too_long_is_refused_not_cut():
    with pytest.raises(InvalidValue, match="longer than 200"):
        clean_text("群" * 201, 200, "purpose")


@pytest.mark.parametrize(("given_id", "stored"), [
    ("-1001234567890", "-1001234567890"), (" -4012 ", "-4012"), ("@Fire_Group", "@fire_group"),
    ("https://t.me/Fire_Group", "@fire_group"), ("t.me/fire_group/", "@fire_group"),
])
def test_telegram_ids_as_the_bot_api_names_them(given_id, stored):
    assert telegram_chat_id(given_id) == stored


@pytest.mark.parametrize("bad", ["tg-000508", "0", "-99999999999999999", "@ab", "@1abc", "",
                                 "https://evil.example/x"])
def test_telegram_ids_that_would_break_later_are_refused(bad):
    with pytest.raises(InvalidValue):
        telegram_chat_id(bad)


def test_other_platforms_take_printable_ids():
    assert chat_id_for("wechat", " wx\u202e-001 ") == "wx -001"
    with pytest.raises(InvalidValue):
        chat_id_for("dingtalk", "x" * 129)
    with pytest.raises(InvalidValue):
        chat_id_for("qq", "\u200b")


def test_counts_and_dates_in_range():
    assert count(0, "member_count") == 0 and day(date(2026, 1, 1), "created")
    with pytest.raises(InvalidValue):
        count(-1, "member_count")
    with pytest.raises(InvalidValue):
        day(date(9999, 1, 1), "last_active")
