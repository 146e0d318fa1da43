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
from sqlalchemy.exc import SQLAlchemyError

from groupbot.cli.terminal import json_text
from groupbot.cli.words import say
from groupbot.clock import clock_from_environment
from groupbot.config import Config
from groupbot.domain.census import CensusRow, CensusRowError, parse_row
from groupbot.domain.inventory import EXPORT_FIELDS
from groupbot.domain.validation import visible
from groupbot.importers.census_encoding import EncodingError, known_encoding
from groupbot.importers.census_files import CensusFileError, detect_format, read_rows
from groupbot.importers.telegram_export import ExportFileError, stream
from groupbot.reports.csv_safe import SafeDictWriter
from groupbot.services.census import CensusService, ImportReport
from groupbot.services.export_import import ExportImportService, ExportReport, ExportStopped
from groupbot.services.groups import GroupService
from groupbot.storage.db import make_engine
from groupbot.storage.migrate import upgrade_async

PROGRESS_FROM_ROWS = 1000


def valid_rows(path: Path, report: ImportReport,
               encoding: str | None = None) -> Iterator[CensusRow]:
    """Parsed rows of a file; bad rows are reported with line, column and reason, and skipped."""
    for line, raw in read_rows(path, encoding):
        try:
            yield parse_row(raw, line)
        except CensusRowError as exc:
            report.errors.append(f"{path.name}: {exc}")


async def import_files(config: Config, paths: list[Path], *, show_progress: bool = True,
                       encoding: str | None = None) -> int:
    """Import every file, each census in one transaction; returns the exit code (1 when any
    file could not be imported, 2 for an unknown --encoding)."""
    if encoding:
        try:
            encoding = known_encoding(encoding)
        except EncodingError as exc:
            print(say("bad_encoding", error=exc), file=sys.stderr)
            return 2
    await upgrade_async(config.database.url)
    engine = make_engine(config.database.url)
    service = CensusService(engine, clock_from_environment(config.tz))
    # soft_wrap keeps each reported line whole; no emoji codes or highlighting in data.
    console = Console(stderr=True, soft_wrap=True, emoji=False, highlight=False)
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
            except (CensusFileError, OSError, ValueError) as exc:
                console.print(f"[red]{shown(say('cannot_import', path=path, error=exc))}[/red]")
                status = 1
                continue
            if not await _import_census(service, path, console, show_progress, encoding):
                status = 1
    finally:
        await engine.dispose()
    return status


async def _import_census(service: CensusService, path: Path, console: Console,
                         show_progress: bool, encoding: str | None) -> bool:
    """Read the whole file, then write it in one transaction; False when nothing was imported."""
    report = ImportReport()
    try:
        rows = list(valid_rows(path, report, encoding))
    except (CensusFileError, OSError) as exc:
        return _failed(path, exc, console)
    try:
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                      TimeRemainingColumn(), console=console,
                      disable=not show_progress or len(rows) < PROGRESS_FROM_ROWS) as progress:
            task = progress.add_task(shown(path.name), total=len(rows))
            await service.import_rows(rows, report, lambda n: progress.advance(task, n))
    except (SQLAlchemyError, OSError) as exc:
        return _failed(path, say("database_failed", error=getattr(exc, "orig", None) or exc),
                       console)
    _print_report(path, report, console)
    return True


def _failed(path: Path, error: object, console: Console) -> bool:
    console.print(f"[red]{shown(say('nothing_imported', path=path, error=error))}[/red]")
    return False


def shown(value: object, limit: int = 500) -> str:
    """Text from a file or the database made safe to print: one line, no control characters,
    Rich markup escaped, at most `limit` characters."""
    text = " ".join(visible(str(value)).split())
    if len(text) > limit:
        text = text[:limit] + "…"
    return escape(text)


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
        console.print(f"[yellow]{shown(say('skipped', error=error))}[/yellow]")
    print(say("import_report", name=visible(path.name), new=report.new, updated=report.updated,
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
