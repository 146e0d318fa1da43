"""`groupbot import`: census files into the inventory, with a progress bar on large files."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from groupbot.config import Config
from groupbot.domain.census import CensusRow, CensusRowError, parse_row
from groupbot.importers.census_files import CensusFileError, count_rows, read_rows
from groupbot.services.census import CensusService, ImportReport
from groupbot.storage.db import make_engine
from groupbot.storage.migrate import upgrade_async

PROGRESS_FROM_ROWS = 1000


def valid_rows(path: Path, report: ImportReport) -> Iterator[CensusRow]:
    """Parsed rows of a file; bad rows are reported with their line number and skipped."""
    for line, raw in read_rows(path):
        try:
            yield parse_row(raw, line)
        except CensusRowError as exc:
            report.errors.append(f"{path.name}: {exc}")


async def import_files(config: Config, paths: list[Path], *, show_progress: bool = True) -> int:
    """Import every file; returns the exit code (1 when a file could not be read at all)."""
    await upgrade_async(config.database.url)
    engine = make_engine(config.database.url)
    service = CensusService(engine, config.tz)
    console = Console(stderr=True, soft_wrap=True)  # keep each reported line whole
    status = 0
    try:
        for path in paths:
            try:
                report = await _import_one(service, path, console, show_progress)
            except (CensusFileError, OSError) as exc:
                console.print(f"[red]groupbot: cannot import {path}: {exc}[/red]")
                status = 1
                continue
            _print_report(path, report, console)
    finally:
        await engine.dispose()
    return status


async def _import_one(service: CensusService, path: Path, console: Console,
                      show_progress: bool) -> ImportReport:
    total = count_rows(path)
    report = ImportReport()
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeRemainingColumn(), console=console,
                  disable=not show_progress or total < PROGRESS_FROM_ROWS) as progress:
        task = progress.add_task(path.name, total=total)
        await service.import_rows(valid_rows(path, report), report,
                                  lambda n: progress.advance(task, n))
    return report


def _print_report(path: Path, report: ImportReport, console: Console) -> None:
    for error in report.errors:
        console.print(f"[yellow]skipped {error}[/yellow]", highlight=False)
    print(f"{path.name}: {report.new} new, {report.updated} updated, "
          f"{report.unchanged} unchanged, {len(report.errors)} skipped", file=sys.stdout)
