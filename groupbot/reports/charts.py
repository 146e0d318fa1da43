"""The digest's chart as PNG: group count over the weeks against the baseline, and the
groups-per-member distribution. Portrait, for reading on a phone."""

from __future__ import annotations

import contextlib
import io
from functools import cache

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from groupbot.domain.digest import Digest
from groupbot.messages import LANGUAGES, t

# Fonts that carry Chinese, best first; without any, labels fall back to English.
CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Micro Hei",
             "WenQuanYi Zen Hei", "Microsoft YaHei", "PingFang SC", "SimHei",
             "Droid Sans Fallback", "AR PL UMing CN")
LABELS = ("chart.title", "chart.baseline", "chart.in_use", "chart.per_member", "chart.members",
          "chart.week")


@cache
def cjk_font() -> str | None:
    """The first installed font that can draw Chinese, or None."""
    from matplotlib import font_manager  # scanning the fonts is slow: done once, on demand

    installed = {f.name for f in font_manager.fontManager.ttflist}
    if not installed & set(CJK_FONTS):
        installed |= _add_new_fonts(font_manager)
    return next((name for name in CJK_FONTS if name in installed), None)


@cache
def _add_new_fonts(font_manager) -> set[str]:
    """Fonts installed after matplotlib cached its font list (it never rescans by itself)."""
    manager = font_manager.fontManager
    known = {f.fname for f in manager.ttflist}
    for path in font_manager.findSystemFonts():
        if path not in known:
            with contextlib.suppress(Exception):  # an unreadable font file is skipped
                manager.addfont(path)
    return {f.name for f in manager.ttflist}


def digest_chart(digest: Digest, language: str) -> bytes:
    """The chart as PNG bytes (English labels when no Chinese font is installed)."""
    font = cjk_font()
    shown = language if language in LANGUAGES and (language != "zh" or font) else "en"
    title, baseline, in_use, per_member, people, week = (t(key, shown) for key in LABELS)
    figure = Figure(figsize=(6, 8), dpi=120)
    FigureCanvasAgg(figure)
    top, bottom = figure.subplots(2, 1)
    weeks = [w[-3:] for w, _ in digest.history] or [digest.week[-3:]]
    counts = [n for _, n in digest.history] or [digest.in_play]
    top.plot(weeks, counts, marker="o", linewidth=2.5, label=in_use)
    top.axhline(digest.baseline, color="grey", linestyle="--", label=baseline)
    top.set_ylim(bottom=0)
    _texts(top, title, week, "", font)
    top.legend(prop={"family": font} if font else None)
    values = [v for v, _ in digest.burden.distribution]
    members = [n for _, n in digest.burden.distribution]
    bottom.bar(values, members, color="#d9534f")
    _texts(bottom, per_member, per_member, people, font)
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()


def _texts(axes, title: str, xlabel: str, ylabel: str, font: str | None) -> None:
    style = {"family": font} if font else {}
    axes.set_title(title, fontsize=15, **style)
    axes.set_xlabel(xlabel, fontsize=12, **style)
    axes.set_ylabel(ylabel, fontsize=12, **style)
    axes.tick_params(labelsize=11)
