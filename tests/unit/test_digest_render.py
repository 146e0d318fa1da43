"""Digest text: exact lines from a known digest; splitting under Telegram's limit."""

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from groupbot.domain.burden import burden
from groupbot.domain.digest import Digest, ProposalLine, iso_week
from groupbot.reports.digest_text import digest_text
from groupbot.telegram.render import LIMIT, split_message


def known() -> Digest:
    return Digest(
        week=iso_week(date(2026, 11, 23)), as_of=date(2026, 11, 23),
        by_status={"active": 40, "merged": 6, "archived": 4}, total=50, in_play=40,
        baseline=50, reduction=0.2, changes={"registered": 3, "archived": 2},
        proposals=(ProposalLine(7, ("消防群", "消防台账群"), 0.93,
                                ("保留「消防群」", "成员重合 92%（12/13）")),),
        temporary_ending=((("迎检专班", date(2026, 11, 30)),)), exemptions_expiring=(),
        burden=burden({"a": 9, "b": 3, "c": 1}, {"a": "王轩", "b": "李娜", "c": "张伟"}, top=2),
        messages_7d=200, after_hours_share=0.35, photo_share=(("打卡群", 0.5),))


def test_known_digest_in_chinese():
    text = digest_text(known(), "zh")
    assert text.splitlines()[0] == "📊 工作群周报 2026-W48（截至 2026-11-23）"
    for line in ("在用工作群 40 个（共登记 50 个）", "较基线 50 个减少 20%", "新登记 3",
                 "#7 消防群 / 消防台账群（0.93）\n    成员重合 92%（12/13）",
                 "迎检专班 — 2026-11-30",
                 "中位数 3，90% 分位 7.8，最多 9（3 人）", "王轩 9，李娜 3",
                 "近 7 天 200 条消息，35% 在工作时间外", "打卡群 50%"):
        assert line in text, line


def test_english():
    text = digest_text(known(), "en")
    assert "20% fewer than the baseline of 50" in text and "35% outside working hours" in text


@given(st.lists(st.text(alphabet="工作群消防ab \t", min_size=0, max_size=900), max_size=40))
def test_split_keeps_every_line_and_respects_the_limit(lines):
    text = "\n".join(lines)
    pieces = split_message(text, limit=1000)
    assert all(len(p) <= 1000 for p in pieces)
    assert "".join(pieces).replace("\n", "") == text.replace("\n", "")


def test_long_digest_splits_at_line_boundaries():
    text = "\n".join(f"第{i}行 " + "群" * 50 for i in range(300))
    pieces = split_message(text)
    assert len(pieces) > 1 and all(len(p) <= LIMIT for p in pieces)
    assert all(p.startswith("第") for p in pieces)
