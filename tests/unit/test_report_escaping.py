"""The HTML report escapes everything that comes from data (titles, names, reasons)."""

import re
from datetime import date

from groupbot.domain.burden import burden
from groupbot.domain.digest import Digest, ProposalLine, iso_week
from groupbot.reports.digest_html import CHART_CHECK, digest_html

SCRIPT = '<script>alert("x")</script>'
IMG = "<img src=x onerror=alert(1)>"


def hostile() -> Digest:
    return Digest(
        week=iso_week(date(2026, 11, 23)), as_of=date(2026, 11, 23),
        by_status={"active": 2}, total=2, in_play=2, baseline=2, reduction=None, changes={},
        proposals=(ProposalLine(7, (SCRIPT, IMG), 0.9, (f"keep {SCRIPT}", f"\x1b[2J{IMG}")),),
        temporary_ending=(((SCRIPT, date(2026, 11, 30)),)), exemptions_expiring=(),
        burden=burden({"a": 2, "b": 1}, {"a": SCRIPT, "b": IMG}, top=2),
        messages_7d=3, after_hours_share=None, photo_share=((IMG, 0.5),))


def test_no_markup_from_data_survives():
    page = digest_html(hostile(), "en", chart=b"\x89PNG", extra=[(SCRIPT, [IMG, SCRIPT])])
    assert SCRIPT not in page and IMG not in page and "<img src=x" not in page
    assert "&lt;script&gt;" in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    # The only script is the page's own chart check; the only image is the chart.
    assert re.findall(r"<script>(.*?)</script>", page, re.S) == [CHART_CHECK]
    assert page.count("<img") == 1
    assert "\x1b" not in page
