"""The digest as one self-contained HTML page: inline chart, phone-sized, printable."""

from __future__ import annotations

import base64
import html
import re

from groupbot.domain.digest import Digest
from groupbot.messages import t
from groupbot.reports.charts import digest_chart
from groupbot.reports.digest_text import digest_text

STYLE = """
body{font-family:"Noto Sans CJK SC","WenQuanYi Micro Hei","PingFang SC","Microsoft YaHei",
sans-serif;margin:0 auto;max-width:760px;padding:16px;color:#222;line-height:1.55}
h1{font-size:1.4em;margin:.2em 0 .6em} img{width:100%;height:auto;border:1px solid #ddd}
.figures{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:8px}
.figure{background:#f5f7fa;border-radius:8px;padding:10px}
.figure b{display:block;font-size:1.6em} ul{padding-left:1.2em}
table{border-collapse:collapse;width:100%;font-size:.9em} td,th{border-bottom:1px solid #eee;
padding:4px;text-align:left} @media print{body{max-width:none} img{max-width:14cm}}
"""
# Lets a headless browser check that the chart really decoded and has a size.
CHART_CHECK = ("var c=document.getElementById('chart');function ok(){document.body.dataset."
               "chart=(c.complete&&c.naturalWidth>0)?'loaded':'broken';}"
               "c.complete?ok():c.addEventListener('load',ok);c.addEventListener('error',ok);")
# Controls other than whitespace are not allowed in HTML text and only serve to confuse.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
FIGURES = ("report.in_use", "report.reduction", "report.median", "report.after_hours")


def escape(text: str) -> str:
    """Text from data as HTML: markup escaped (quotes too), control characters dropped."""
    return html.escape(_CONTROLS.sub("", text), quote=True)


def digest_html(digest: Digest, language: str, chart: bytes | None = None,
                extra: list[tuple[str, list[str]]] = ()) -> str:
    """The whole page as a string; `extra` adds (heading, lines) sections at the end."""
    png = chart if chart is not None else digest_chart(digest, language)
    lines = digest_text(digest, language).split("\n")
    names = [t(key, language) for key in FIGURES]
    figures = [(names[0], str(digest.in_play)),
               (names[1], "-" if digest.reduction is None else f"{digest.reduction:.0%}"),
               (names[2], f"{digest.burden.median:g}"),
               (names[3], "-" if digest.after_hours_share is None
                else f"{digest.after_hours_share:.0%}")]
    body = "".join(f'<div class="figure">{escape(n)}<b>{escape(v)}</b></div>'
                   for n, v in figures)
    items = "".join(f"<li>{escape(line)}</li>" for line in lines[1:])
    sections = "".join(f"<h2>{escape(head)}</h2><ul>"
                       + "".join(f"<li>{escape(line)}</li>" for line in body_lines) + "</ul>"
                       for head, body_lines in extra)
    return (f'<!doctype html><html lang="{"zh-CN" if language == "zh" else "en"}"><head>'
            '<meta charset="utf-8"><meta name="viewport" content="width=device-width,'
            f'initial-scale=1"><title>{escape(lines[0])}</title><style>{STYLE}</style>'
            f'</head><body><h1>{escape(lines[0])}</h1><div class="figures">{body}</div>'
            f'<p><img id="chart" alt="{escape(t("report.chart_alt", language))}" '
            'src="data:image/png;base64,'
            f'{base64.b64encode(png).decode()}"></p><ul>{items}</ul>{sections}'
            f"<script>{CHART_CHECK}</script></body></html>")
