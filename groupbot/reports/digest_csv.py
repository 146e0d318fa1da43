"""The digest's table of groups as CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from groupbot.messages import t

FIELDS = ("platform", "chat_id", "title", "status", "purpose", "member_count", "messages_7d",
          "after_hours_7d", "photos_7d")
# The headers are the same in every language: spreadsheets and scripts read them by name.
TABLE_COLUMNS = tuple(t(f"csv.{field}", "en") for field in FIELDS)


def table_csv(rows: Iterable) -> bytes:
    """The full table of groups as CSV (UTF-8 with BOM, so Excel shows Chinese right)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(TABLE_COLUMNS)
    writer.writerows([r.platform, r.chat_id, r.title, r.status, r.purpose or "",
                      r.member_count or "", r.messages_7d, r.after_hours_7d, r.photos_7d]
                     for r in rows)
    return out.getvalue().encode("utf-8-sig")
