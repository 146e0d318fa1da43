"""Reading the first sheet of a census XLSX, bounded: sizes checked before any XML is parsed.

An XLSX is a zip of XML parts. A small file can declare a part of hundreds of megabytes (one
repeated shared string compresses a thousandfold), and zipfile never inflates a part past the
size its directory declares, so checking the declared sizes bounds everything read later. The
XML itself goes through defusedxml (openpyxl uses it whenever it is installed), so entity
expansion and external entities end in an error instead of memory or network use.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path

from groupbot.domain.census import CENSUS_COLUMNS, column_name

XLSX_TOTAL_MAX = 100_000_000  # bytes, all parts inflated
XLSX_PART_MAX = 50_000_000  # bytes, one part inflated (the sheet, the shared strings)
XLSX_PARTS_MAX = 10_000
XLSX_ROWS_MAX = 1_048_576  # Excel's own last row


class XlsxError(ValueError):
    """A workbook that is too big, malformed or hostile."""


def check_archive(path: Path) -> None:
    """Refuse a workbook whose parts would inflate beyond the limits (nothing is inflated)."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        raise XlsxError(f"not a readable XLSX workbook ({_one_line(exc)})") from None
    if len(parts) > XLSX_PARTS_MAX:
        raise XlsxError(f"more than {XLSX_PARTS_MAX:,} parts in the workbook")
    for part in parts:
        if part.file_size > XLSX_PART_MAX:
            raise XlsxError(f"part {part.filename[:80]!r} would inflate to {part.file_size:,} "
                            f"bytes (limit {XLSX_PART_MAX:,})")
    total = sum(p.file_size for p in parts)
    if total > XLSX_TOTAL_MAX:
        raise XlsxError(f"workbook would inflate to {total:,} bytes (limit {XLSX_TOTAL_MAX:,})")


def xlsx_rows(path: Path) -> Iterator[tuple[int, tuple]]:
    """Yield (row number, cell values) of the first sheet: the header row, then data rows cut
    after the header's last census column."""
    check_archive(path)
    try:
        yield from _rows(path)
    except XlsxError:
        raise
    except Exception as exc:
        # openpyxl reports malformed parts with whatever error its parser hit (KeyError,
        # TypeError, ValueError…): to the person they all mean one thing.
        if _refused_xml(exc):
            raise XlsxError("refused: the workbook's XML declares entities, "
                            "which spreadsheets never use") from None
        raise XlsxError(f"not a readable XLSX workbook ({_one_line(exc)})") from None


def _rows(path: Path) -> Iterator[tuple[int, tuple]]:
    import openpyxl

    if not openpyxl.DEFUSEDXML:  # OPENPYXL_DEFUSEDXML=False would turn the hardening off
        raise XlsxError("XLSX import needs openpyxl to parse with defusedxml")
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        # The <dimension> element is optional and may be wrong: read the rows that are there.
        sheet.reset_dimensions()
        header = next(sheet.iter_rows(min_row=1, max_row=1, values_only=True), ())
        yield 1, header
        # Rows are padded up to their last cell, so one cell in column XFD would make every
        # row 16,384 wide: read only as far as the columns the census uses.
        width = max((i + 1 for i, h in enumerate(header) if column_name(h) in CENSUS_COLUMNS),
                    default=1)
        rows = sheet.iter_rows(min_row=2, min_col=1, max_col=width, values_only=True)
        for number, row in enumerate(rows, start=2):
            if number > XLSX_ROWS_MAX:
                raise XlsxError(f"more than {XLSX_ROWS_MAX:,} rows")
            yield number, row
    finally:
        book.close()


def _refused_xml(exc: BaseException | None) -> bool:
    from defusedxml import DefusedXmlException

    seen = 0
    while exc is not None and seen < 10:  # openpyxl wraps the parser's error
        if isinstance(exc, DefusedXmlException):
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:200]
