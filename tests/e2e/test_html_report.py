"""The HTML digest in a real browser: headless Chromium loads it and the chart decodes."""

import re
import shutil
import subprocess
from datetime import date

import pytest

from groupbot.reports.digest_html import digest_html
from tests.unit.test_charts import digest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (.ci/run installs it)")
def test_page_loads_with_the_chart_visible(tmp_path):
    page = tmp_path / "digest.html"
    page.write_text(digest_html(digest(), "zh"), encoding="utf-8")
    flags = ["--headless=new", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=5000"]
    dom = subprocess.run([CHROMIUM, *flags, "--dump-dom", page.as_uri()],
                         capture_output=True, text=True, timeout=120).stdout
    assert re.search(r'<body data-chart="loaded"', dom), dom[:500]
    assert "工作群周报 2026-W48" in dom
    shot = tmp_path / "shot.png"
    subprocess.run([CHROMIUM, *flags, "--window-size=420,1400", f"--screenshot={shot}",
                    page.as_uri()], capture_output=True, timeout=120)
    assert shot.read_bytes().startswith(b"\x89PNG") and shot.stat().st_size > 20_000


def test_page_is_self_contained():
    html = digest_html(digest(), "en")
    assert "data:image/png;base64," in html
    assert not re.search(r'(src|href)="https?://', html)  # works offline
    assert html.count("<script>") == 1 and date(2026, 11, 23).isoformat() in html
