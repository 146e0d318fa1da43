"""The digest's table of groups as CSV."""

from __future__ import annotations

import io
from collections.abc import Iterable

from groupbot.messages import t
from groupbot.reports.csv_safe import SafeWriter, identifier

FIELDS = ("platform", "chat_id", "title", "status", "purpose", "member_count", "messages_7d",
          "after_hours_7d", "photos_7d")
# The headers are the same in every language: spreadsheets and scripts read them by name.
TABLE_COLUMNS = tuple(t(f"csv.{field}", "en") for field in FIELDS)


def table_csv(rows: Iterable) -> bytes:
    """The table as CSV (UTF-8 with BOM for Excel); no cell can start a formula."""
    out = io.StringIO()
    writer = SafeWriter(out, lineterminator="\n")
    writer.writerow(TABLE_COLUMNS)
    writer.writerows(table_row(r) for r in rows)
    return out.getvalue().encode("utf-8-sig")


def table_row(r) -> list:
    """One group's cells; chat ids stored as text go out as numbers when they are numbers."""
    return [r.platform, identifier(r.chat_id), r.title, r.status, r.purpose,
            r.member_count or None, r.messages_7d, r.after_hours_7d, r.photos_7d]
