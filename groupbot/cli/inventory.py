"""`groupbot import` (census files and Telegram Desktop exports, with progress bars) and
`groupbot export` (the inventory as JSON or CSV)."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Iterator
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from groupbot.cli.terminal import json_text
from groupbot.cli.words import say
from groupbot.clock import clock_from_environment
from groupbot.config import Config
from groupbot.domain.census import CensusRow, CensusRowError, parse_row
from groupbot.domain.inventory import EXPORT_FIELDS
from groupbot.importers.census_files import (
    CensusFileError,
    count_rows,
    detect_format,
    read_rows,
)
from groupbot.importers.telegram_export import ExportFileError, stream
from groupbot.reports.csv_safe import SafeDictWriter
from groupbot.services.census import CensusService, ImportReport
from groupbot.services.export_import import ExportImportService, ExportReport, ExportStopped
from groupbot.services.groups import GroupService
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
    service = CensusService(engine, clock_from_environment(config.tz))
    console = Console(stderr=True, soft_wrap=True)  # keep each reported line whole
    status = 0
    try:
        for path in paths:
            try:
                if detect_format(path) == "telegram_export":
                    exported = await import_export(engine, config, path, console, show_progress)
                    print(say("export_report", name=path.name, chats=exported.chats,
                              messages=exported.messages, already=exported.already_imported,
                              live=exported.seen_live, unresolved=exported.names_unresolved))
                    continue
                report = await _import_one(service, path, console, show_progress)
            except (CensusFileError, OSError, ValueError) as exc:
                console.print(f"[red]{say('cannot_import', path=path, error=exc)}[/red]")
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


class _CountingReader:
    """A binary file that reports how many bytes were read, for a progress bar."""

    def __init__(self, fh, advance):
        self._fh, self._advance = fh, advance

    def read(self, size: int = -1) -> bytes:
        data = self._fh.read(size)
        self._advance(len(data))
        return data


async def import_export(engine, config: Config, path: Path, console: Console,
                        show_progress: bool) -> ExportReport:
    """Stream a Telegram Desktop export (progress by bytes read); refused messages are listed.

    A file that breaks off raises ExportFileError whose one line says how far the import got.
    """
    size = path.stat().st_size
    # Transient: the bar goes when the import ends, leaving the report and errors alone.
    with Progress(TextColumn("{task.description}"), BarColumn(), TimeRemainingColumn(),
                  console=console, transient=True,
                  disable=not show_progress or size < 1_000_000) as progress, \
            path.open("rb") as fh:
        task = progress.add_task(path.name, total=size)
        reader = _CountingReader(fh, lambda n: progress.advance(task, n))
        service = ExportImportService(engine, clock_from_environment(config.tz),
                                       config.digest.working_hours())
        try:
            report = await service.import_messages(stream(reader))
        except ExportStopped as stopped:
            _print_refused(path, stopped.report, console)
            raise ExportFileError(_how_far(stopped)) from None
    _print_refused(path, report, console)
    return report


def _print_refused(path: Path, report: ExportReport, console: Console) -> None:
    for chat, message, reason in report.problems:
        line = say("export_refused_chat", chat=chat, reason=reason) if message is None else \
            say("export_refused", chat=chat, message=message, reason=reason)
        console.print(f"[yellow]{escape(line)}[/yellow]", highlight=False)
    if report.unlisted:
        console.print(f"[yellow]{escape(say('export_refused_more', n=report.unlisted))}"
                      "[/yellow]", highlight=False)
    if report.skipped:
        print(say("export_skipped", name=path.name, n=report.skipped))


def _how_far(stopped: ExportStopped) -> str:
    report = stopped.report
    if report.last is None:
        return say("export_stopped_nothing", reason=stopped.reason)
    chat, message = report.last
    return say("export_stopped", reason=stopped.reason, chat=chat, message=message,
               messages=report.messages, chats=report.chats)


def _print_report(path: Path, report: ImportReport, console: Console) -> None:
    for error in report.errors:
        console.print(f"[yellow]{say('skipped', error=error)}[/yellow]", highlight=False)
    print(say("import_report", name=path.name, new=report.new, updated=report.updated,
              unchanged=report.unchanged, skipped=len(report.errors)), file=sys.stdout)


def export_inventory(config: Config, fmt: str) -> int:
    """Print the group inventory as JSON or CSV (no cell can start a formula); exit code."""

    async def records():
        engine = make_engine(config.database.url)
        try:
            return await GroupService(engine, clock_from_environment(config.tz)).inventory()
        finally:
            await engine.dispose()

    rows = [r.export_row() for r in asyncio.run(records())]  # failures: see cli.failures
    if fmt == "json":
        sys.stdout.write(json_text(rows, indent=2) + "\n")
    else:
        writer = SafeDictWriter(sys.stdout, EXPORT_FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return 0
