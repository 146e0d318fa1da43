"""CSV that is safe to open in a spreadsheet: no cell can start a formula.

The rule (OWASP "CSV injection"): a text cell starting with `=`, `+`, `-`, `@`, tab, carriage
return or line feed gets a leading `'`, so Excel, LibreOffice and WPS show it as text. The rule
goes by type, not by look: int and float values stay numbers, while text that merely looks like
a number ("-3" as a title) is text and is neutralised like any other. Columns that hold numbers
the program produced (counts, Telegram chat ids) must therefore be passed as int.

Control characters other than tab, line feed and carriage return (which CSV quoting carries
faithfully) have no place in a spreadsheet cell and are how a file printed to a terminal
attacks it (ESC sequences), so each becomes `?`.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Any

DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r", "\n")
# C0 controls except tab/LF/CR, DEL, and the C1 block (8-bit CSI and friends).
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_INTEGER = re.compile(r"0|-?[1-9][0-9]{0,18}")  # one spelling per number: "007" stays text


def safe_cell(value: Any) -> Any:
    """One cell as written: numbers unchanged, text neutralised, None empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        return value
    text = _CONTROLS.sub("?", str(value))
    return "'" + text if text.startswith(DANGEROUS_START) else text


def identifier(value: Any) -> Any:
    """A chat id as a number when it is a plain integer (Telegram), else as text."""
    if isinstance(value, str) and _INTEGER.fullmatch(value):
        return int(value)
    return value


class SafeWriter:
    """`csv.writer` whose every cell goes through `safe_cell`."""

    def __init__(self, fh, **options):
        self._writer = csv.writer(fh, **options)
        # With lineterminator "\n", csv leaves a lone "\r" unquoted and a reader then splits
        # the row there; a row holding one is written fully quoted instead.
        self._quoted = csv.writer(fh, **{**options, "quoting": csv.QUOTE_ALL})

    def writerow(self, row: Iterable[Any]) -> None:
        """Write one row of cells."""
        cells = [safe_cell(v) for v in row]
        carriage_return = any(isinstance(c, str) and "\r" in c for c in cells)
        (self._quoted if carriage_return else self._writer).writerow(cells)

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        """Write many rows."""
        for row in rows:
            self.writerow(row)


class SafeDictWriter(SafeWriter):
    """`csv.DictWriter` counterpart: rows are dicts keyed by `fieldnames`."""

    def __init__(self, fh, fieldnames: Iterable[str], **options):
        super().__init__(fh, **options)
        self.fieldnames = tuple(fieldnames)

    def writeheader(self) -> None:
        """Write the field names."""
        super().writerow(self.fieldnames)

    def writerow(self, row) -> None:  # type: ignore[override]
        """Write one dict; missing keys are empty cells."""
        super().writerow([row.get(name) for name in self.fieldnames])
