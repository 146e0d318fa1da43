"""`groupbot demo`: a synthetic district end to end, without Telegram, into one HTML report."""

from __future__ import annotations

import tempfile
from datetime import datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

from rich.console import Console

from groupbot.cli.outputs import prepare_directory, publish, staging
from groupbot.cli.terminal import plain
from groupbot.cli.words import say
from groupbot.clock import fixed_clock
from groupbot.demo.census import write_census_csv
from groupbot.demo.district import generate_district
from groupbot.domain.census import parse_row
from groupbot.domain.lexicon import Lexicon
from groupbot.domain.lifecycle import LifecycleSettings
from groupbot.domain.textnorm import DEFAULT_TEMPORARY_PATTERNS
from groupbot.importers.census_files import read_rows
from groupbot.messages import t
from groupbot.services.census import CensusService, ImportReport
from groupbot.services.digest import DigestService
from groupbot.services.lifecycle import LifecycleService
from groupbot.services.matching import MatchingService
from groupbot.storage.db import make_engine
from groupbot.storage.migrate import upgrade_async

TZ = ZoneInfo("Asia/Shanghai")


OUTPUTS = ("census.csv", "demo.db", "demo.html")


async def run_demo(groups: int, out: Path | None, language: str = "zh", *,
                   force: bool = False) -> int:
    """Build, import, match, scan (dry run) and digest a district; write demo.html."""
    out = prepare_directory(out, OUTPUTS, force=force) if out else \
        Path(tempfile.mkdtemp(prefix="groupbot-demo-"))
    Console(stderr=True).print(say("demo_generating", groups=groups))
    with staging(out) as staged:
        summary = await _build(groups, staged, language)
        publish(staged, out, OUTPUTS)
    print(say("demo_report", path=plain(out / "demo.html")))
    print(say("demo_headline", **summary))
    return 0


async def _build(groups: int, staged: Path, language: str) -> dict:
    """Write the three demo files into `staged`; the headline figures."""
    from groupbot.reports.digest_html import digest_html  # matplotlib loads only when needed

    census = staged / "census.csv"
    district = generate_district(groups, seed=0)
    write_census_csv(district, census)
    # Look at the district as of its own census day, not today: that is when it was taken.
    as_of = max(g.last_active for g in district)
    url = f"sqlite:///{staged / 'demo.db'}"
    await upgrade_async(url)
    engine = make_engine(url)
    clock = fixed_clock(TZ, datetime.combine(as_of, time(12), TZ))
    try:
        report = ImportReport()
        rows = (parse_row(raw, line) for line, raw in read_rows(census))
        await CensusService(engine, clock).import_rows(rows, report)
        matched = await MatchingService(engine, clock, Lexicon.default()).run()
        scan = await LifecycleService(engine, clock, LifecycleSettings(),
                                      DEFAULT_TEMPORARY_PATTERNS).scan(
            as_of, dry_run=True)
        digest = await DigestService(engine, clock).build(as_of)
    finally:
        await engine.dispose()
    verdicts = {v: sum(1 for i in scan if i.verdict == v)
                for v in ("zombie", "expired_temporary", "low_activity")}
    (staged / "demo.html").write_text(
        digest_html(digest, language, extra=_sections(matched, verdicts, language)),
        encoding="utf-8")
    return {"groups": report.new, "proposals": len(matched.proposals),
            "zombie": verdicts["zombie"], "expired": verdicts["expired_temporary"],
            "median": f"{digest.burden.median:g}"}


def _sections(matched, verdicts: dict, language: str) -> list[tuple[str, list[str]]]:
    proposals = [t("report.demo_proposal", language, id=p.id, titles=" / ".join(p.titles),
                   score=f"{p.score:.2f}", reason=p.reasons[1])
                 for p in matched.proposals[:15]]
    scan = [f"{name}: {count}" for name, count in verdicts.items()]
    return [(t("report.demo_proposals", language), proposals),
            (t("report.demo_scan", language), scan)]
