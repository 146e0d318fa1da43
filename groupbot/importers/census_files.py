"""Reading census files: CSV (UTF-8 with or without BOM, or GB18030) and XLSX."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from groupbot.domain.census import missing_columns

XLSX_MAGIC = b"PK\x03\x04"


class CensusFileError(ValueError):
    """A file that is not a readable census (wrong format, no header, missing columns)."""


def detect_format(path: Path) -> str:
    """'xlsx', 'csv' or 'telegram_export', from the file's first bytes."""
    with path.open("rb") as fh:
        head = fh.read(4096)
    if head.startswith(XLSX_MAGIC):
        return "xlsx"
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        return "telegram_export"
    return "csv"


def count_rows(path: Path) -> int:
    """Data rows in a file, for a progress bar (cheap: counts lines or XLSX rows)."""
    if detect_format(path) == "xlsx":
        return max(_xlsx_sheet(path).max_row - 1, 0)
    with path.open("rb") as fh:
        return max(sum(1 for _ in fh) - 1, 0)


def read_rows(path: Path) -> Iterator[tuple[int, dict]]:
    """Yield (line number, {column: value}) for each data row; line 1 is the header."""
    kind = detect_format(path)
    if kind == "xlsx":
        yield from _xlsx_rows(path)
    elif kind == "csv":
        yield from _csv_rows(path)
    else:
        raise CensusFileError(f"{path}: a Telegram Desktop export, not a census table")


def _decode(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")  # what Excel writes when saving CSV on Chinese Windows
    except UnicodeDecodeError:
        raise CensusFileError(f"{path}: not UTF-8 or GB18030 text") from None


def _csv_rows(path: Path) -> Iterator[tuple[int, dict]]:
    reader = csv.reader(io.StringIO(_decode(path), newline=""))
    header = next(reader, None)
    _check_header(path, header)
    names = [h.strip().lower() for h in header]
    for row in reader:
        if any(cell.strip() for cell in row):
            yield reader.line_num, dict(zip(names, row, strict=False))


def _xlsx_sheet(path: Path):
    from openpyxl import load_workbook

    try:
        return load_workbook(path, read_only=True, data_only=True).worksheets[0]
    except Exception as exc:
        raise CensusFileError(f"{path}: not a readable XLSX workbook ({exc})") from None


def _xlsx_rows(path: Path) -> Iterator[tuple[int, dict]]:
    rows = _xlsx_sheet(path).iter_rows(values_only=True)
    header = next(rows, None)
    header = [str(h or "") for h in header] if header else None
    _check_header(path, header)
    names = [h.strip().lower() for h in header]
    for number, row in enumerate(rows, start=2):
        if any(cell not in (None, "") for cell in row):
            yield number, dict(zip(names, row, strict=False))


def _check_header(path: Path, header: list[str] | None) -> None:
    if not header:
        raise CensusFileError(f"{path}: empty file, expected a header row")
    missing = missing_columns(header)
    if missing:
        raise CensusFileError(f"{path}: header lacks column(s) {', '.join(missing)}")
