"""Reading census files, bounded: CSV (UTF-8, UTF-16, GB18030 or Big5) and XLSX (first sheet).

Everything that can be wrong with a whole file (too big, unreadable, encoding unknown, no
header) is a CensusFileError; everything wrong with one cell is left to `parse_row`, which
reports it against its line.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from groupbot.domain.census import column_name, missing_columns
from groupbot.importers.census_encoding import EncodingError, decode
from groupbot.importers.census_xlsx import XlsxError, xlsx_rows

XLSX_MAGIC = b"PK\x03\x04"
CSV_MAX_BYTES = 50_000_000


class CensusFileError(ValueError):
    """A file that is not a readable census (wrong format, too big, no header, bad encoding)."""


def detect_format(path: Path) -> str:
    """'xlsx', 'csv' or 'telegram_export', from the file's first bytes."""
    with path.open("rb") as fh:
        head = fh.read(4096)
    if head.startswith(XLSX_MAGIC):
        return "xlsx"
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        return "telegram_export"
    return "csv"


def read_rows(path: Path, encoding: str | None = None) -> Iterator[tuple[int, dict]]:
    """Yield (line number, {column: value}) for each data row; line 1 is the header.

    `encoding` applies to CSV only (an XLSX says its own); None means recognise it.
    """
    kind = detect_format(path)
    if kind == "telegram_export":
        raise CensusFileError("a Telegram Desktop export, not a census table")
    try:
        rows = _xlsx_rows(path) if kind == "xlsx" else _csv_rows(path, encoding)
        header = next(rows, None)
        _check_header(header)
        names = [column_name(h) for h in header[1]]
        for number, row in rows:
            if any(cell not in (None, "") and str(cell).strip() for cell in row):
                yield number, dict(zip(names, row, strict=False))
    except (XlsxError, EncodingError) as exc:
        raise CensusFileError(str(exc)) from None
    except csv.Error as exc:
        raise CensusFileError(f"not a readable CSV file ({exc})") from None


def _csv_rows(path: Path, encoding: str | None) -> Iterator[tuple[int, list]]:
    size = path.stat().st_size
    if size > CSV_MAX_BYTES:
        raise CensusFileError(f"file is {size:,} bytes (limit {CSV_MAX_BYTES:,})")
    text = decode(path.read_bytes(), encoding)
    # No field can outgrow the file: the limit is lifted so a long cell is a row error (see
    # parse_row's cell limit) rather than a csv.Error that would lose the rest of the line.
    csv.field_size_limit(max(csv.field_size_limit(), CSV_MAX_BYTES))
    reader = csv.reader(io.StringIO(text, newline=""))
    for row in reader:
        yield reader.line_num, row


def _xlsx_rows(path: Path) -> Iterator[tuple[int, tuple]]:
    for number, row in xlsx_rows(path):
        yield number, tuple("" if cell is None else cell for cell in row)


def _check_header(header: tuple[int, list] | None) -> None:
    if not header or not any(column_name(h) for h in header[1]):
        raise CensusFileError("empty file, expected a header row")
    missing = missing_columns(list(header[1]))
    if missing:
        raise CensusFileError(f"header lacks column(s) {', '.join(missing)}")
