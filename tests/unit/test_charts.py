"""The digest chart: a PNG with Chinese labels, or English ones when no CJK font exists."""

from datetime import date

from groupbot.domain.burden import burden
from groupbot.domain.digest import Digest
from groupbot.reports import charts

PNG = b"\x89PNG\r\n\x1a\n"


def digest() -> Digest:
    return Digest(
        week="2026-W48", as_of=date(2026, 11, 23), by_status={"active": 3}, total=3,
        in_play=3, baseline=5, reduction=0.4, changes={}, proposals=(), temporary_ending=(),
        exemptions_expiring=(), burden=burden({"a": 4, "b": 1, "c": 1}, {}), messages_7d=0,
        after_hours_share=None, photo_share=(),
        history=(("2026-W46", 5), ("2026-W47", 4), ("2026-W48", 3)))


def test_png_with_and_without_a_chinese_font(monkeypatch):
    with_font = charts.digest_chart(digest(), "zh")
    assert with_font.startswith(PNG) and len(with_font) > 10_000
    monkeypatch.setattr(charts, "cjk_font", lambda: None)
    fallback = charts.digest_chart(digest(), "zh")
    assert fallback.startswith(PNG) and fallback != with_font


def test_english_chart():
    assert charts.digest_chart(digest(), "en").startswith(PNG)
