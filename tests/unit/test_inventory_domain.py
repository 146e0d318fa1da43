"""Purpose validation and the inventory summary."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from groupbot.domain.inventory import (
    PURPOSE_MAX_CHARS,
    GroupRecord,
    PurposeError,
    clean_purpose,
    summarise_inventory,
)

NOW = datetime(2026, 6, 1, tzinfo=UTC)


def record(**kw) -> GroupRecord:
    base = dict(chat_id=-1, platform="telegram", title="t", purpose="p", status="active",
                owner=None, members_seen=3, member_count=5, last_active=NOW,
                registered_at=NOW, messages_30d=4, bot_is_admin=True)
    return GroupRecord(**{**base, **kw})


def test_clean_purpose_strips_controls_and_collapses_space():
    assert clean_purpose("  消防\u202e台账\x00报送\n\n月报 ") == "消防 台账 报送 月报"
    assert clean_purpose("👨‍👩‍👧 家长群") == "👨‍👩‍👧 家长群"  # ZWJ emoji survives


@pytest.mark.parametrize(("value", "reason"), [
    (None, "empty"), ("", "empty"), ("\u200b\u200e \t", "empty"),
    ("垃" * (PURPOSE_MAX_CHARS + 1), "too_long"),
])
def test_clean_purpose_rejects(value, reason):
    with pytest.raises(PurposeError) as info:
        clean_purpose(value)
    assert info.value.reason == reason


@given(st.text(max_size=300))
def test_clean_purpose_output_is_printable_and_bounded(value):
    try:
        cleaned = clean_purpose(value)
    except PurposeError:
        return
    assert 0 < len(cleaned) <= PURPOSE_MAX_CHARS
    assert cleaned == cleaned.strip()
    assert not any(ch in cleaned for ch in "\x00\n\r\t\u202e")


def test_summary_flags_groups_needing_attention():
    records = [
        record(),
        record(purpose=None, last_active=NOW - timedelta(days=31)),
        record(status="bot_removed", last_active=None, bot_is_admin=False),
    ]
    summary = summarise_inventory(records, NOW)
    assert summary.total == 3
    assert summary.by_status == {"active": 2, "bot_removed": 1}
    assert (summary.without_purpose, summary.quiet, summary.without_admin_rights) == (1, 2, 1)
    assert summary.members_seen == 9 and summary.messages_30d == 12


def test_export_row_uses_iso_times():
    row = record(last_active=None).export_row()
    assert row["registered_at"] == "2026-06-01T00:00:00+00:00"
    assert row["last_active"] is None
